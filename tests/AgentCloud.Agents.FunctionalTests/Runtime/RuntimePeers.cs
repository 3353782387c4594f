using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgentCloud.Contracts.Billing;
using AgentCloud.Contracts.Credentials;
using AgentCloud.Contracts.Tools;
using AgentCloud.ServiceDefaults.Auth;
using AgentCloud.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AgentCloud.Agents.FunctionalTests.Runtime;

/// <summary>A tool of the stand-in catalog: the gateway's GET /tools entry fields, and what executing it answers.</summary>
public sealed record StandInTool(string Key, string DefaultDecisionLevel = "automatic", long TokenCost = 0, bool RequiresApproval = false,
    Func<JsonElement, object>? Execute = null, object? Parameters = null);

/// <summary>
/// STAND-INS for the tool gateway, billing and the credentials service's secret read, on one local Kestrel over real HTTP, speaking their contracts
/// (<see cref="ToolInvocationRequest"/>/<see cref="ToolInvocationResult"/>, <see cref="PlaceHoldRequest"/>/<see cref="HoldResponse"/>)
/// and checking the agents service's service token. The gateway stand-in keeps the real one's promise that matters
/// here: one execution per tool call id (a repeat is replayed), approval grants verified for approval-required tools.
/// </summary>
public sealed class RuntimePeers : IAsyncDisposable
{
    readonly WebApplication _app;
    readonly object _gate = new();
    readonly Dictionary<Guid, long> _balances = [];
    readonly Dictionary<string, HoldResponse> _holdsByKey = [];
    readonly Dictionary<Guid, (Guid Tenant, long Amount, string State)> _holds = [];

    RuntimePeers(WebApplication app) => _app = app;

    public string BaseUrl { get; private set; } = "";

    public ConcurrentDictionary<string, StandInTool> Tools { get; } = new();

    /// <summary>Every invoke request received (repeats included), as (tool key, request).</summary>
    public ConcurrentQueue<(string Key, ToolInvocationRequest Request)> Invocations { get; } = new();

    /// <summary>How many times each tool call id was really executed.</summary>
    public ConcurrentDictionary<string, int> Executions { get; } = new();

    readonly ConcurrentDictionary<string, ToolInvocationResult> _results = new();

    public TimeSpan ToolDelay { get; set; }

    public ConcurrentQueue<PlaceHoldRequest> HoldRequests { get; } = new();

    public int Commits;

    /// <summary>Credentials: the secrets (tenant-wide) the stand-in hands to the agents service, by credential id.</summary>
    public ConcurrentDictionary<Guid, (Guid TenantId, object Secret)> Credentials { get; } = new();

    /// <summary>Every credential read: id, and the run_id and purpose it carried.</summary>
    public ConcurrentQueue<(Guid CredentialId, string? RunId, string? Purpose)> CredentialReads { get; } = new();

    public static async Task<RuntimePeers> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var peers = new RuntimePeers(builder.Build());
        peers.Map();
        peers.AddDefaultTools();
        await peers._app.StartAsync();
        peers.BaseUrl = peers._app.Urls.First();
        return peers;
    }

    void AddDefaultTools()
    {
        Tools["current_time"] = new("current_time", Execute: _ => new { utc = "2026-11-25T12:00:00Z" },
            Parameters: new { type = "object", properties = new { timezone = new { type = "string" } } });
        Tools["add_todo"] = new("add_todo", Execute: a => new { id = Guid.NewGuid(), title = a.GetProperty("title").GetString() },
            Parameters: new { type = "object", properties = new { title = new { type = "string" }, due = new { type = "string" } }, required = new[] { "title" } });
        Tools["send_email"] = new("send_email", "approval_required", 1, true, a => new { sent = true, to = a.GetProperty("to").GetString() },
            new { type = "object", properties = new { to = new { type = "string" }, subject = new { type = "string" }, body = new { type = "string" } }, required = new[] { "to" } });
        Tools["web_search"] = new("web_search", TokenCost: 1, Execute: _ => new { results = new[] { "result" } },
            Parameters: new { type = "object", properties = new { query = new { type = "string" } }, required = new[] { "query" } });
    }

    /// <summary>Billing: the tenant's balance (tenants never set have plenty).</summary>
    public void SetBalance(Guid tenantId, long tokens)
    {
        lock (_gate) _balances[tenantId] = tokens;
    }

    public long Balance(Guid tenantId)
    {
        lock (_gate) return _balances.GetValueOrDefault(tenantId, 1_000_000);
    }

    void Map()
    {
        _app.MapGet("/tools", (Guid? tenantId, HttpContext http) => !IsAgents(http) ? Results.Unauthorized()
            : tenantId is null ? Results.BadRequest()
            : Results.Json(Tools.Values.Select(t => new
            {
                key = t.Key, name = t.Key, category = "internal", description = $"The {t.Key} tool.", requiredPermissions = Array.Empty<string>(),
                tokenCost = t.TokenCost, defaultDecisionLevel = t.RequiresApproval ? "approval_required" : t.DefaultDecisionLevel, isAsync = false,
                requiresApproval = t.RequiresApproval, credentialType = (string?)null, credentialOptional = false, timeoutSeconds = 10, enabled = true,
                tool = new { type = "function", function = new { name = t.Key, description = $"The {t.Key} tool.", parameters = t.Parameters ?? new { type = "object" } } },
            })));
        _app.MapPost("/tools/{key}/invoke", async (string key, HttpContext http) =>
        {
            if (!IsAgents(http)) return Results.Unauthorized();
            var request = (await http.Request.ReadFromJsonAsync<ToolInvocationRequest>(JsonSerializerOptions.Web))!;
            Invocations.Enqueue((key, request));
            if (!Tools.TryGetValue(key, out var tool)) return Results.NotFound();
            return Results.Json(await InvokeAsync(tool, request), JsonSerializerOptions.Web);
        });
        _app.MapGet("/tenant/{tenantId:guid}/credentials/{id:guid}", (Guid tenantId, Guid id, HttpContext http) =>
        {
            if (!IsAgents(http)) return Results.Unauthorized();
            CredentialReads.Enqueue((id, http.Request.Query["run_id"], http.Request.Query["purpose"]));
            return Credentials.TryGetValue(id, out var credential) && credential.TenantId == tenantId
                ? Results.Json(new CredentialSecret(id, tenantId, null, "openai", "model key", JsonSerializer.SerializeToElement(new { }),
                    JsonSerializer.SerializeToElement(credential.Secret), DateTimeOffset.UtcNow))
                : Results.NotFound();
        });
        _app.MapPost("/tokens/holds", async (HttpContext http) =>
        {
            if (!IsAgents(http)) return Results.Unauthorized();
            var request = (await http.Request.ReadFromJsonAsync<PlaceHoldRequest>(JsonSerializerOptions.Web))!;
            HoldRequests.Enqueue(request);
            if (request.OperationType != OperationTypes.InternalApiLlm) return Results.BadRequest();
            lock (_gate)
            {
                if (_holdsByKey.TryGetValue($"{request.TenantId}/{request.IdempotencyKey}", out var earlier)) return Results.Json(earlier);
                var available = _balances.GetValueOrDefault(request.TenantId, 1_000_000);
                if (available < 1) return Results.Problem("Insufficient tokens.", statusCode: 402);
                _balances[request.TenantId] = available - 1;
                var hold = new HoldResponse(Guid.NewGuid(), Guid.Empty, 1, null, "held", available - 1, DateTimeOffset.UtcNow.AddMinutes(5));
                _holdsByKey[$"{request.TenantId}/{request.IdempotencyKey}"] = hold;
                _holds[hold.HoldId] = (request.TenantId, 1, "held");
                return Results.Json(hold, statusCode: 201);
            }
        });
        _app.MapPost("/tokens/holds/{id:guid}/{action}", (Guid id, string action, HttpContext http) =>
        {
            if (!IsAgents(http)) return Results.Unauthorized();
            lock (_gate)
            {
                if (!_holds.TryGetValue(id, out var hold)) return Results.NotFound();
                if (hold.State == "held" && action == "release")
                {
                    _balances[hold.Tenant] = _balances.GetValueOrDefault(hold.Tenant, 1_000_000) + hold.Amount;
                }
                if (hold.State == "held")
                {
                    _holds[id] = hold with { State = action == "commit" ? "committed" : "released" };
                    if (action == "commit") Interlocked.Increment(ref Commits);
                }
                return Results.Json(new HoldResponse(id, Guid.Empty, hold.Amount, null, _holds[id].State, 0, null));
            }
        });
    }

    async Task<ToolInvocationResult> InvokeAsync(StandInTool tool, ToolInvocationRequest request)
    {
        if (_results.TryGetValue(request.ToolCallId, out var earlier))
        {
            return earlier with { Replayed = true };
        }
        ToolInvocationResult result;
        if (tool.RequiresApproval && !GrantIsValid(request, tool.Key))
        {
            result = new(Guid.NewGuid(), tool.Key, request.ToolCallId, "failed", null, new ToolError("approval_required", "No valid approval grant."), 0, false);
        }
        else if (tool.TokenCost > 0 && !TryCharge(request.TenantId!.Value, tool.TokenCost))
        {
            result = new(Guid.NewGuid(), tool.Key, request.ToolCallId, "failed", null, new ToolError("insufficient_tokens", "Not enough tokens."), 0, false);
        }
        else
        {
            if (ToolDelay > TimeSpan.Zero) await Task.Delay(ToolDelay);
            Executions.AddOrUpdate(request.ToolCallId, 1, (_, n) => n + 1);
            var output = JsonSerializer.SerializeToElement(tool.Execute?.Invoke(request.Arguments) ?? new { ok = true });
            result = new(Guid.NewGuid(), tool.Key, request.ToolCallId, "succeeded", output, null, tool.TokenCost, false);
        }
        return _results.GetOrAdd(request.ToolCallId, result);
    }

    bool TryCharge(Guid tenantId, long tokens)
    {
        lock (_gate)
        {
            var available = _balances.GetValueOrDefault(tenantId, 1_000_000);
            if (available < tokens) return false;
            _balances[tenantId] = available - tokens;
            return true;
        }
    }

    static bool GrantIsValid(ToolInvocationRequest request, string toolKey)
    {
        if (request.ApprovalGrant is not { } grant)
        {
            return false;
        }
        var result = new JsonWebTokenHandler().ValidateTokenAsync(grant, new TokenValidationParameters
        {
            ValidIssuer = ApprovalGrant.Issuer,
            ValidAudience = ApprovalGrant.Audience,
            IssuerSigningKey = new SymmetricSecurityKey(ApprovalGrant.DeriveKey(Convert.FromBase64String(TestTokens.SigningKey))),
        }).GetAwaiter().GetResult(); // a symmetric key: completes synchronously
        var claims = result.IsValid ? new Dictionary<string, object>(result.Claims) : [];
        return result.IsValid && claims.GetValueOrDefault("tcid") as string == request.ToolCallId && claims.GetValueOrDefault("tool") as string == toolKey
            && claims.GetValueOrDefault("tid") as string == request.TenantId.ToString()
            && claims.GetValueOrDefault("args") as string == ApprovalGrant.HashArguments(request.Arguments);
    }

    static bool IsAgents(HttpContext http) => TestTokens.CallingService(http.Request) == "agents";

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
