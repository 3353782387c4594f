using System.Text.Json.Nodes;
using AgentCloud.Contracts.Triggers;

namespace AgentCloud.Triggers.Systems;

/// <summary>
/// CRM records of <c>object_type</c> (contacts, companies, deals, tickets) that were <c>created</c> (default) or
/// <c>updated</c>, found with HubSpot's CRM search every <c>interval_seconds</c> (default 60); <c>properties</c> are
/// the record properties the event carries. Triggers on the same credential, object type and event share a listener
/// (it asks for the union of their properties).
/// </summary>
public sealed record HubSpotOptions(string ObjectType, string Event, IReadOnlyList<string> Properties, int Interval) : PolledOptions
{
    public static readonly string[] ObjectTypes = ["contacts", "companies", "deals", "tickets"];

    public override string System => TriggerSystems.HubSpot;

    public override int IntervalSeconds => Interval;

    /// <summary>The property the search filters and sorts on.</summary>
    public string TimestampProperty => Event == "created" ? "createdate" : ObjectType == "contacts" ? "lastmodifieddate" : "hs_lastmodifieddate";

    public static HubSpotOptions? Parse(OptionsReader reader, OptionsContext context)
    {
        reader.AllowOnly("object_type", "event", "properties", "interval_seconds");
        var objectType = reader.OneOf("object_type", "", ObjectTypes);
        var change = reader.OneOf("event", "created", "created", "updated");
        var properties = reader.Strings("properties", 50, 100) ?? [];
        var interval = ReadInterval(reader, context, 60);
        return reader.Valid ? new HubSpotOptions(objectType!, change!, properties, interval) : null;
    }

    protected override string Compatibility() => $"{ObjectType}|{Event}";

    public override JsonObject ToJson() => new()
    {
        ["object_type"] = ObjectType,
        ["event"] = Event,
        ["properties"] = new JsonArray([.. Properties.Select(p => JsonValue.Create(p))]),
        ["interval_seconds"] = Interval,
    };
}
