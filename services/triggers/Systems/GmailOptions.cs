using System.Text.Json.Nodes;
using AgentCloud.Contracts.Triggers;

namespace AgentCloud.Triggers.Systems;

/// <summary>
/// New mail in the credential's mailbox, polled every <c>interval_seconds</c> (default 60); <c>label_ids</c> (e.g.
/// <c>["INBOX"]</c>) keeps only messages carrying all of them. One listener serves every trigger on the same
/// credential: labels are filtered per trigger.
/// </summary>
public sealed record GmailOptions(IReadOnlyList<string> LabelIds, int Interval) : PolledOptions
{
    public override string System => TriggerSystems.Gmail;

    public override int IntervalSeconds => Interval;

    public static GmailOptions? Parse(OptionsReader reader, OptionsContext context)
    {
        reader.AllowOnly("label_ids", "interval_seconds");
        var labels = reader.Strings("label_ids", 20, 100) ?? [];
        var interval = ReadInterval(reader, context, 60);
        return reader.Valid ? new GmailOptions(labels, interval) : null;
    }

    public bool Accepts(IReadOnlyCollection<string> messageLabels) => LabelIds.All(messageLabels.Contains);

    protected override string Compatibility() => "mailbox:me";

    public override JsonObject ToJson() => new()
    {
        ["label_ids"] = new JsonArray([.. LabelIds.Select(l => JsonValue.Create(l))]),
        ["interval_seconds"] = Interval,
    };
}
