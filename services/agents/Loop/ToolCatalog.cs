using System.Collections.Concurrent;
using System.Text.Json;
using AgentCloud.Agents.Runs;
using Microsoft.Extensions.Options;

namespace AgentCloud.Agents.Loop;

/// <summary>One entry of the gateway's <c>GET /tools?tenantId=</c> (the fields the runtime uses).</summary>
public sealed record CatalogTool(
    string Key, string Description, string DefaultDecisionLevel, long TokenCost, bool RequiresApproval, string? CredentialType,
    CatalogFunction Tool);

public sealed record CatalogFunction(string Type, CatalogFunctionBody Function);

public sealed record CatalogFunctionBody(string Name, string Description, JsonElement Parameters);

/// <summary>
/// A tenant's enabled tools from the gateway (<c>GET http://tool-gateway/tools?tenantId=</c>, as the agents service),
/// reused for <see cref="RuntimeOptions.CatalogCacheDuration"/>. A tool the gateway disables meanwhile is refused by
/// the gateway itself (tool_disabled), so the cache can only be briefly generous, never unsafe.
/// </summary>
public sealed class ToolCatalog(IHttpClientFactory clients, TimeProvider time, IOptions<RuntimeOptions> options, ILogger<ToolCatalog> logger)
{
    HttpClient http => clients.CreateClient(RuntimeHttpClients.ToolGateway);

    readonly ConcurrentDictionary<Guid, (DateTimeOffset Fetched, IReadOnlyDictionary<string, CatalogTool> Tools)> _cache = new();

    public async ValueTask<IReadOnlyDictionary<string, CatalogTool>> GetAsync(Guid tenantId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_cache.TryGetValue(tenantId, out var cached) && now - cached.Fetched < options.Value.CatalogCacheDuration)
        {
            return cached.Tools;
        }
        try
        {
            var tools = await http.GetFromJsonAsync<List<CatalogTool>>($"/tools?tenantId={tenantId}", AgentCloud.Agents.Agents.AgentDefinition.Json, cancellationToken) ?? [];
            var byKey = tools.ToDictionary(t => t.Key);
            _cache[tenantId] = (now, byKey);
            return byKey;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException && !cancellationToken.IsCancellationRequested)
        {
            if (cached.Tools is not null)
            {
                logger.LogWarning("The tool gateway's catalog is unavailable ({Error}); using the one from {Fetched}", e.GetType().Name, cached.Fetched);
                return cached.Tools;
            }
            throw new RunStoppedException("tools_unavailable", "The tool gateway's catalog could not be read.", e);
        }
    }
}
