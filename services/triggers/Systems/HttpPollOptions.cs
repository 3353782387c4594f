using System.Text.Json.Nodes;
using AgentCloud.Contracts.Triggers;

namespace AgentCloud.Triggers.Systems;

/// <summary>
/// GET <c>url</c> every <c>interval_seconds</c> (default 60) with the credential's auth; the items are the array at
/// <c>items_path</c> (default <c>$</c>) and each is known by the value at <c>id_field</c> (default <c>id</c>). Extra
/// request <c>headers</c> carry no secrets (Authorization and Cookie are refused: auth comes from the credential).
/// </summary>
public sealed record HttpPollOptions(Uri Url, int Interval, JsonPath ItemsPath, JsonPath IdField, IReadOnlyDictionary<string, string> Headers)
    : PolledOptions
{
    static readonly string[] ForbiddenHeaders = ["authorization", "cookie", "host", "proxy-authorization", "content-length"];

    public override string System => TriggerSystems.HttpPoll;

    public override int IntervalSeconds => Interval;

    public static HttpPollOptions? Parse(OptionsReader reader, OptionsContext context)
    {
        reader.AllowOnly("url", "interval_seconds", "items_path", "id_field", "headers");
        var url = reader.String("url", 2000, required: true);
        Uri? parsed = null;
        if (url is not null && (!Uri.TryCreate(url, UriKind.Absolute, out parsed) || parsed.Scheme is not ("http" or "https") || parsed.UserInfo.Length > 0))
        {
            reader.Fail("url", "url must be an absolute http or https URL without credentials in it.");
        }
        var interval = ReadInterval(reader, context, 60);
        var itemsPath = JsonPath.Parse(reader.String("items_path", 200) ?? "$");
        if (itemsPath is null)
        {
            reader.Fail("items_path", "items_path must be a path like $.data.items or $.results[0].rows.");
        }
        var idField = JsonPath.Parse(reader.String("id_field", 200) ?? "id");
        if (idField is null)
        {
            reader.Fail("id_field", "id_field must be a path inside an item, like id or meta.id.");
        }
        var headers = reader.StringMap("headers", 20, 1000) ?? new Dictionary<string, string>();
        if (headers.Keys.FirstOrDefault(h => ForbiddenHeaders.Contains(h.ToLowerInvariant())) is { } forbidden)
        {
            reader.Fail("headers", $"The {forbidden} header cannot be set here (auth comes from the trigger's credential).");
        }
        return reader.Valid ? new HttpPollOptions(parsed!, interval, itemsPath!, idField!, headers) : null;
    }

    protected override string Compatibility() =>
        $"{Url}|{ItemsPath.Text}|{IdField.Text}|{string.Join("|", Headers.OrderBy(h => h.Key, StringComparer.OrdinalIgnoreCase).Select(h => $"{h.Key.ToLowerInvariant()}={h.Value}"))}";

    public override JsonObject ToJson() => new()
    {
        ["url"] = Url.ToString(),
        ["interval_seconds"] = Interval,
        ["items_path"] = ItemsPath.Text,
        ["id_field"] = IdField.Text,
        ["headers"] = new JsonObject(Headers.Select(h => KeyValuePair.Create(h.Key, (JsonNode?)h.Value))),
    };
}
