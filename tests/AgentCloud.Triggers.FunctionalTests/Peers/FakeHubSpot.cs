using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace AgentCloud.Triggers.FunctionalTests.Peers;

/// <summary>
/// HubSpot's CRM search (<c>POST /crm/v3/objects/{objectType}/search</c>: one filter group with a GTE filter on a date
/// property, ascending sort, properties, limit and the <c>after</c> paging cursor), with bearer auth, and an OAuth
/// token endpoint (<c>POST /oauth/v1/token</c>, grant_type refresh_token) shaped like HubSpot's and Google's.
/// </summary>
public sealed class FakeHubSpot
{
    public sealed record Record(string ObjectType, string Id, Dictionary<string, string> Properties);

    public ConcurrentQueue<Record> Records { get; } = new();

    public ConcurrentQueue<JsonElement> Searches { get; } = new();

    /// <summary>Access tokens the CRM accepts; the token endpoint adds the ones it issues.</summary>
    public ConcurrentDictionary<string, bool> AcceptedTokens { get; } = new();

    public string RefreshToken { get; set; } = "refresh-me";

    public int TokensIssued;

    public Record Add(string objectType, DateTimeOffset created, DateTimeOffset? modified = null, params (string Name, string Value)[] properties)
    {
        var values = properties.ToDictionary(p => p.Name, p => p.Value);
        values["createdate"] = created.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
        values[objectType == "contacts" ? "lastmodifieddate" : "hs_lastmodifieddate"] =
            (modified ?? created).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
        var record = new Record(objectType, Random.Shared.NextInt64(1_000_000, 9_999_999).ToString(CultureInfo.InvariantCulture), values);
        Records.Enqueue(record);
        return record;
    }

    public void Map(WebApplication app)
    {
        app.MapPost("/oauth/v1/token", async (HttpContext http) =>
        {
            var form = await http.Request.ReadFormAsync();
            if (form["grant_type"] != "refresh_token" || form["refresh_token"] != RefreshToken || form["client_secret"] != "client-secret")
            {
                return Results.Json(new { status = "BAD_REFRESH_TOKEN", message = "missing or unknown refresh token" }, statusCode: 400);
            }
            var token = $"issued-{Interlocked.Increment(ref TokensIssued)}";
            AcceptedTokens[token] = true;
            return Results.Json(new { access_token = token, refresh_token = RefreshToken, expires_in = 1800, token_type = "bearer" });
        });
        app.MapPost("/crm/v3/objects/{objectType}/search", async (string objectType, HttpContext http) =>
        {
            var auth = http.Request.Headers.Authorization.ToString();
            if (!auth.StartsWith("Bearer ", StringComparison.Ordinal) || !AcceptedTokens.ContainsKey(auth[7..]))
            {
                return Results.Json(new { status = "error", message = "Authentication credentials not found.", category = "INVALID_AUTHENTICATION" }, statusCode: 401);
            }
            var body = await http.Request.ReadFromJsonAsync<JsonElement>();
            Searches.Enqueue(body);
            var filter = body.GetProperty("filterGroups")[0].GetProperty("filters")[0];
            var property = filter.GetProperty("propertyName").GetString()!;
            var from = long.Parse(filter.GetProperty("value").GetString()!, CultureInfo.InvariantCulture);
            var wanted = body.GetProperty("properties").EnumerateArray().Select(p => p.GetString()!).ToHashSet();
            var limit = body.GetProperty("limit").GetInt32();
            var after = body.TryGetProperty("after", out var a) ? int.Parse(a.GetString()!, CultureInfo.InvariantCulture) : 0;
            var matching = Records.Where(r => r.ObjectType == objectType && r.Properties.TryGetValue(property, out var v)
                    && DateTimeOffset.Parse(v, CultureInfo.InvariantCulture).ToUnixTimeMilliseconds() >= from)
                .OrderBy(r => DateTimeOffset.Parse(r.Properties[property], CultureInfo.InvariantCulture)).ToList();
            var page = matching.Skip(after).Take(limit).ToList();
            return Results.Json(new
            {
                total = matching.Count,
                results = page.Select(r => new
                {
                    id = r.Id,
                    properties = r.Properties.Where(p => wanted.Contains(p.Key)).ToDictionary(p => p.Key, p => p.Value),
                    createdAt = r.Properties["createdate"],
                    updatedAt = r.Properties[objectType == "contacts" ? "lastmodifieddate" : "hs_lastmodifieddate"],
                    archived = false,
                }),
                paging = after + limit < matching.Count ? new { next = new { after = (after + limit).ToString(CultureInfo.InvariantCulture) } } : null,
            });
        });
    }
}
