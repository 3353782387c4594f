using System.Text.Json.Nodes;
using AgentCloud.ToolGateway.Connectors;
using AgentCloud.ToolGateway.Infrastructure;
using AgentCloud.ToolGateway.Model;
using AgentCloud.ToolGateway.Registry;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;

namespace AgentCloud.ToolGateway.Execution;

/// <summary>A tool as one tenant sees it: the definition plus the tenant's enablement and configuration.</summary>
/// <param name="Connector">Set for tools not in the registry (an external MCP server's); null = the registry's.</param>
public sealed record EffectiveTool(ActionDefinition Definition, bool Enabled, bool RequiresApproval, JsonObject Configuration,
    IToolConnector? Connector = null)
{
    /// <summary>The definition's timeout, or the tenant's shorter <c>timeoutSeconds</c> (a tenant can only lower it).</summary>
    public TimeSpan Timeout =>
        Configuration["timeoutSeconds"] is JsonValue v && v.TryGetValue<double>(out var seconds) && seconds > 0
            && TimeSpan.FromSeconds(seconds) < Definition.Timeout
            ? TimeSpan.FromSeconds(seconds)
            : Definition.Timeout;

    /// <summary>The credential a call uses: an external MCP server's tools always use the one registered with the server.</summary>
    public Guid? CredentialFor(Guid? requested) => Connector is ExternalMcpConnector external ? external.CredentialId : requested;
}

/// <summary>
/// Each tenant's settings of the built-in tools (<c>tenant_tool_settings</c>; no row = the definition's defaults), kept
/// per tenant for <see cref="Freshness"/>: the replica that saves a change forgets its copy at once (<see cref="Forget"/>),
/// the others see it within that time.
/// </summary>
public sealed class TenantToolSettings(ToolsDbContext db, IMemoryCache cache)
{
    public static readonly TimeSpan Freshness = TimeSpan.FromSeconds(5);

    public async Task<List<EffectiveTool>> EffectiveToolsAsync(ToolRegistry registry, Guid tenantId, CancellationToken cancellationToken)
    {
        var settings = await SettingsAsync(tenantId, cancellationToken);
        return [.. registry.Definitions.Select(d => Effective(d, settings.GetValueOrDefault(d.Key)))];
    }

    public async Task<EffectiveTool> EffectiveToolAsync(ActionDefinition definition, Guid tenantId, CancellationToken cancellationToken) =>
        Effective(definition, (await SettingsAsync(tenantId, cancellationToken)).GetValueOrDefault(definition.Key));

    public void Forget(Guid tenantId) => cache.Remove(Key(tenantId));

    async Task<IReadOnlyDictionary<string, TenantToolSetting>> SettingsAsync(Guid tenantId, CancellationToken cancellationToken) =>
        (await cache.GetOrCreateAsync(Key(tenantId), async entry =>
        {
            entry.AbsoluteExpirationRelativeToNow = Freshness;
            return await db.TenantToolSettings.AsNoTracking().Where(s => s.TenantId == tenantId).ToDictionaryAsync(s => s.ToolKey, cancellationToken);
        }))!;

    static (string, Guid) Key(Guid tenantId) => (nameof(TenantToolSettings), tenantId);

    /// <summary>Each call gets its own configuration object (parsed from the setting's text): nothing cached is shared mutable.</summary>
    static EffectiveTool Effective(ActionDefinition definition, TenantToolSetting? setting) => new(
        definition,
        setting?.Enabled ?? definition.EnabledByDefault,
        definition.RequiresApproval || setting?.RequireApproval == true,
        setting is null ? [] : JsonNode.Parse(setting.Configuration) as JsonObject ?? []);
}
