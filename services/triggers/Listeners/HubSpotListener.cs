using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgentCloud.Triggers.Clients;
using AgentCloud.Triggers.Systems;

namespace AgentCloud.Triggers.Listeners;

/// <summary>
/// Created or updated CRM records through HubSpot's CRM search (<c>POST /crm/v3/objects/{objectType}/search</c>):
/// records whose <c>createdate</c> (or last-modified date) is at or after the cursor, oldest first, up to 10 pages of
/// 100. The cursor is the newest timestamp seen (Unix ms); the first poll starts it at the poll's time. A record is
/// known by its id (created) or id and timestamp (updated), so the inclusive bound never fires one twice.
/// </summary>
public sealed class HubSpotListener(CredentialsClient credentials, HttpClient http, string baseUrl, string tokenUrl, int maxResponseBytes)
    : OAuthListener(credentials, http, tokenUrl)
{
    const int PageSize = 100;
    const int MaxPages = 10;

    public override async Task<PollResult> PollAsync(ListenerPoll poll, CancellationToken cancellationToken)
    {
        if (poll.Cursor is null)
        {
            return new PollResult([], DateTimeOffset.UtcNow.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));
        }
        var options = (HubSpotOptions)poll.Members[0].Options;
        var properties = poll.Members.SelectMany(m => ((HubSpotOptions)m.Options).Properties).Append(options.TimestampProperty).Distinct().ToList();
        var cursor = long.Parse(poll.Cursor, CultureInfo.InvariantCulture);
        var newest = cursor;
        var items = new List<PolledItem>();
        string? after = null;
        for (var page = 0; page < MaxPages; page++)
        {
            var search = new JsonObject
            {
                ["filterGroups"] = new JsonArray(new JsonObject
                {
                    ["filters"] = new JsonArray(new JsonObject
                    {
                        ["propertyName"] = options.TimestampProperty, ["operator"] = "GTE", ["value"] = cursor.ToString(CultureInfo.InvariantCulture),
                    }),
                }),
                ["sorts"] = new JsonArray(new JsonObject { ["propertyName"] = options.TimestampProperty, ["direction"] = "ASCENDING" }),
                ["properties"] = new JsonArray([.. properties.Select(p => JsonValue.Create(p))]),
                ["limit"] = PageSize,
            };
            if (after is not null)
            {
                search["after"] = after;
            }
            var url = $"{baseUrl.TrimEnd('/')}/crm/v3/objects/{options.ObjectType}/search";
            using var response = await SendAsync(poll, () => new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent.Create(search) },
                "HubSpot CRM search", cancellationToken);
            EnsureSuccess(response, "HubSpot CRM search");
            var results = await ReadJsonAsync(response, maxResponseBytes, cancellationToken);
            foreach (var record in ArrayOf(results, "results"))
            {
                if (Text(record, "id") is not { } id || !record.TryGetProperty("properties", out var values)
                    || Text(values, options.TimestampProperty) is not { } stamp || ToUnixMs(stamp) is not { } ms)
                {
                    continue;
                }
                newest = Math.Max(newest, ms);
                var key = options.Event == "created" ? id : $"{id}:{ms}";
                items.Add(new PolledItem(key, JsonSerializer.SerializeToElement(new JsonObject
                {
                    ["object_type"] = options.ObjectType,
                    ["event"] = options.Event,
                    ["object_id"] = id,
                    ["occurred_at"] = DateTimeOffset.FromUnixTimeMilliseconds(ms).ToString("O", CultureInfo.InvariantCulture),
                    ["properties"] = JsonNode.Parse(values.GetRawText()),
                })));
            }
            if (!results.TryGetProperty("paging", out var paging) || paging.ValueKind != JsonValueKind.Object
                || !paging.TryGetProperty("next", out var next) || Text(next, "after") is not { } nextAfter)
            {
                break;
            }
            after = nextAfter;
        }
        return new PollResult(items, newest.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>HubSpot dates are ISO 8601 strings or Unix milliseconds.</summary>
    static long? ToUnixMs(string stamp) =>
        long.TryParse(stamp, NumberStyles.None, CultureInfo.InvariantCulture, out var ms) ? ms
        : DateTimeOffset.TryParse(stamp, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at.ToUnixTimeMilliseconds()
        : null;
}
