using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgentCloud.Contracts.Billing;
using AgentCloud.Contracts.Credentials;
using AgentCloud.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace AgentCloud.ToolGateway.FunctionalTests.Peers;

/// <summary>
/// One local Kestrel speaking the peers' routes over real HTTP. The agents/billing/credentials routes are STAND-INS
/// (those services are being built on other branches): they speak the routes' JSON and check the gateway's service
/// token, nothing more. Twilio and Tavily routes follow the providers' public API shapes; <c>/target</c> is an HTTP
/// endpoint for the http_request tool.
/// </summary>
public sealed class LocalPeers : IAsyncDisposable
{
    readonly WebApplication _app;

    public ConcurrentDictionary<Guid, HashSet<string>> Permissions { get; } = new();
    public ConcurrentQueue<string> PermissionLookups { get; } = new();
    public StandInBilling Billing { get; } = new();
    public ConcurrentDictionary<(Guid Tenant, Guid Id), StoredCredential> Credentials { get; } = new();
    public ConcurrentQueue<string> CredentialPurposes { get; } = new();
    public ConcurrentQueue<TwilioRequest> Twilio { get; } = new();
    public ConcurrentQueue<JsonObject> Searches { get; } = new();
    public ConcurrentQueue<TargetRequest> Targets { get; } = new();
    public TimeSpan TwilioDelay { get; set; }

    public string BaseUrl { get; private set; } = "";

    LocalPeers(WebApplication app) => _app = app;

    public static async Task<LocalPeers> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var peers = new LocalPeers(app);
        peers.Map(app);
        await app.StartAsync();
        peers.BaseUrl = app.Urls.First();
        return peers;
    }

    void Map(WebApplication app)
    {
        app.MapGet("/tenants/{tenantId:guid}/users/{userId:guid}/permissions", (Guid tenantId, Guid userId, HttpContext http) =>
        {
            if (!IsGatewayServiceToken(http)) return Results.Unauthorized();
            PermissionLookups.Enqueue(http.Request.Path + http.Request.QueryString);
            return Permissions.TryGetValue(userId, out var granted)
                ? Results.Json(new
                {
                    userId,
                    locationId = http.Request.Query["locationId"].FirstOrDefault(),
                    permissions = granted.Select(p => new { permission = p, sources = new[] { "user" } }),
                    removed = Array.Empty<object>(),
                })
                : Results.NotFound();
        });
        app.MapPost("/tokens/holds", async (HttpContext http) =>
        {
            if (!IsGatewayServiceToken(http)) return Results.Unauthorized();
            var body = await http.Request.ReadFromJsonAsync<PlaceHoldRequest>();
            var answer = Billing.Hold(body!);
            if (Billing.SlowAnswers.TryGetValue(body!.TenantId, out var delay))
            {
                await Task.Delay(delay);
            }
            return answer;
        });
        app.MapGet("/tokens/holds/by-key", (Guid tenantId, string idempotencyKey, HttpContext http) =>
            !IsGatewayServiceToken(http) ? Results.Unauthorized() : Billing.FindByKey(tenantId, idempotencyKey));
        app.MapGet("/tokens/costs", (Guid? tenantId, HttpContext http) =>
        {
            if (!IsGatewayServiceToken(http)) return Results.Unauthorized();
            Billing.CostLookups.Enqueue(tenantId);
            return Results.Json(Billing.Costs(tenantId));
        });
        app.MapPost("/tokens/holds/{id:guid}/{action}", (Guid id, string action, HttpContext http) =>
            !IsGatewayServiceToken(http) ? Results.Unauthorized() : Billing.Settle(id, action));
        app.MapGet("/tenant/{tenantId:guid}/credentials/{id:guid}", (Guid tenantId, Guid id, HttpContext http) =>
        {
            if (!IsGatewayServiceToken(http)) return Results.Unauthorized();
            CredentialPurposes.Enqueue(http.Request.Query["purpose"].ToString());
            return Credentials.TryGetValue((tenantId, id), out var c)
                && (c.UserId is null || http.Request.Query["user_id"] == c.UserId.ToString())
                ? Results.Json(new CredentialSecret(id, tenantId, c.UserId, c.Type, "stand-in",
                    JsonSerializer.SerializeToElement(c.Meta), JsonSerializer.SerializeToElement(new { secret = c.Secret }), DateTimeOffset.UtcNow))
                : Results.NotFound();
        });
        app.MapPost("/2010-04-01/Accounts/{sid}/{resource}", async (string sid, string resource, HttpContext http) =>
        {
            if (TwilioDelay > TimeSpan.Zero) await Task.Delay(TwilioDelay);
            var form = await http.Request.ReadFormAsync();
            var auth = http.Request.Headers.Authorization.ToString();
            var fields = form.ToDictionary(f => f.Key, f => f.Value.ToString());
            Twilio.Enqueue(new TwilioRequest(sid, resource, auth, fields));
            var expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{sid}:{TwilioAuthToken}"));
            if (auth != expected)
                return Results.Json(new { code = 20003, message = "Authenticate", status = 401 }, statusCode: 401);
            var prefix = resource == "Calls.json" ? "CA" : "SM";
            return Results.Json(new { sid = prefix + Guid.NewGuid().ToString("N"), status = "queued", to = fields.GetValueOrDefault("To") }, statusCode: 201);
        });
        app.MapPost("/search", async (HttpContext http) =>
        {
            var body = await JsonSerializer.DeserializeAsync<JsonObject>(http.Request.Body);
            Searches.Enqueue(body!);
            if ((string?)body!["api_key"] != TavilyApiKey)
                return Results.Json(new { detail = new { error = "Unauthorized: missing or invalid API key." } }, statusCode: 401);
            return Results.Json(new
            {
                query = (string?)body["query"],
                answer = "AgentCloud is a platform.",
                results = new[] { new { title = "AgentCloud", url = "https://example.com/agentcloud", content = "About AgentCloud", score = 0.98 } },
            });
        });
        app.Map("/target/{**rest}", async (string? rest, HttpContext http) =>
        {
            using var reader = new StreamReader(http.Request.Body);
            var body = await reader.ReadToEndAsync();
            Targets.Enqueue(new TargetRequest(http.Request.Method, rest ?? "",
                http.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase), body));
            if (rest == "big") return Results.Text(new string('x', 1_000_000));
            if (rest == "slow") await Task.Delay(TimeSpan.FromSeconds(5), http.RequestAborted);
            return Results.Json(new { method = http.Request.Method, body }, statusCode: 200);
        });
    }

    public const string TwilioAuthToken = "twilio-auth-token-SECRET-5f1c";
    public const string TavilyApiKey = "tvly-SECRET-api-key-77a2";

    static bool IsGatewayServiceToken(HttpContext http) => TestTokens.CallingService(http.Request) == "tool-gateway";

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}

public sealed record StoredCredential(string Type, string Secret, Dictionary<string, string> Meta, Guid? UserId = null);

public sealed record TwilioRequest(string AccountSid, string Resource, string Authorization, Dictionary<string, string> Form);

public sealed record TargetRequest(string Method, string Path, Dictionary<string, string> Headers, string Body);
