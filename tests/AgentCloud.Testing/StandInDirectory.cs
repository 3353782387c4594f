using System.Collections.Concurrent;
using AgentCloud.ServiceDefaults.Auth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace AgentCloud.Testing;

/// <summary>
/// A STAND-IN for the routes of the agents service that a service tested alone calls, over real HTTP: client
/// credentials (<c>POST /auth/service-token</c>, the secrets <see cref="ServiceFactory{TProgram}"/> hands out), a
/// user's effective permissions (<c>GET /tenants/{tenantId}/users/{userId}/permissions</c>), answered from what the test
/// granted and only to a service token, and an agent as its caller sees it (<c>GET /agents/{agentId}</c>: 200 with
/// <c>id</c> and <c>tenantId</c> to a user of its tenant it is visible to, 404 otherwise; the contract the triggers
/// service relies on until the agent runtime exists). Point the service at it with <c>services:agents:http:0</c>.
/// </summary>
public sealed class StandInDirectory : IAsyncDisposable
{
    readonly WebApplication _app;
    readonly ConcurrentDictionary<(Guid Tenant, Guid User), HashSet<string>> _grants = new();
    readonly ConcurrentDictionary<Guid, (Guid Tenant, Guid[] VisibleTo)> _agents = new();

    StandInDirectory(WebApplication app) => _app = app;

    public string BaseUrl { get; private set; } = "";

    /// <summary>When set, permission lookups answer this status (the directory failing).</summary>
    public int? PermissionsFailWith { get; set; }

    /// <summary>Every agent lookup, as "{userId} {agentId}" (the user whose own token asked).</summary>
    public ConcurrentQueue<string> AgentLookups { get; } = new();

    /// <summary>Every permission lookup, as "{service} {tenantId}/{userId}".</summary>
    public ConcurrentQueue<string> Lookups { get; } = new();

    public static async Task<StandInDirectory> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var directory = new StandInDirectory(builder.Build());
        directory.Map();
        await directory._app.StartAsync();
        directory.BaseUrl = directory._app.Urls.First();
        return directory;
    }

    /// <summary>The user is known to the directory, with these effective permissions (none: known, allowed nothing).</summary>
    public void Grant(Guid tenantId, Guid userId, params string[] permissions) =>
        _grants.AddOrUpdate((tenantId, userId), [.. permissions], (_, granted) => [.. granted, .. permissions]);

    /// <summary>An agent of the tenant, visible to the given users (none given: to every user of the tenant).</summary>
    public void AddAgent(Guid tenantId, Guid agentId, params Guid[] visibleTo) => _agents[agentId] = (tenantId, visibleTo);

    void Map()
    {
        _app.MapGet("/agents/{agentId:guid}", (Guid agentId, HttpContext http) =>
        {
            if (TestTokens.CallingUser(http.Request) is not { } caller)
            {
                return Results.Unauthorized();
            }
            var (tenantId, userId) = caller;
            AgentLookups.Enqueue($"{userId} {agentId}");
            return _agents.TryGetValue(agentId, out var agent) && agent.Tenant == tenantId && (agent.VisibleTo.Length == 0 || agent.VisibleTo.Contains(userId))
                ? Results.Json(new { id = agentId, tenantId, name = "stand-in agent" })
                : Results.NotFound();
        });
        _app.MapPost("/auth/service-token", (ServiceTokenRequest request) =>
            ServiceClients.Known.Contains(request.ClientId) && request.ClientSecret == TestTokens.ServiceSecret(request.ClientId)
                ? Results.Json(new ServiceTokenResponse(TestTokens.Service(request.ClientId, request.Audience), "Bearer", 600))
                : Results.Unauthorized());
        _app.MapGet("/tenants/{tenantId:guid}/users/{userId:guid}/permissions", (Guid tenantId, Guid userId, HttpContext http) =>
        {
            if (TestTokens.CallingService(http.Request, audience: "agents") is not { } service)
            {
                return Results.Unauthorized();
            }
            Lookups.Enqueue($"{service} {tenantId}/{userId}");
            if (PermissionsFailWith is { } failure)
            {
                return Results.StatusCode(failure);
            }
            return _grants.TryGetValue((tenantId, userId), out var granted)
                ? Results.Json(new
                {
                    userId,
                    permissions = granted.Select(p => new { permission = p, sources = new[] { "user" } }),
                    removed = Array.Empty<object>(),
                })
                : Results.NotFound();
        });
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
