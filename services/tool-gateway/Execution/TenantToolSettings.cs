using System.Text.Json.Nodes;
using AgentCloud.ToolGateway.Connectors;
using AgentCloud.ToolGateway.Infrastructure;
using AgentCloud.ToolGateway.Model;
using AgentCloud.ToolGateway.Registry;
using Microsoft.EntityFrameworkCore;

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

public static class TenantToolSettingsQueries
{
    public static async Task<List<EffectiveTool>> EffectiveToolsAsync(this ToolsDbContext db, ToolRegistry registry, Guid tenantId,
        CancellationToken cancellationToken)
    {
        var settings = await db.TenantToolSettings.AsNoTracking().Where(s => s.TenantId == tenantId).ToDictionaryAsync(s => s.ToolKey, cancellationToken);
        return [.. registry.Definitions.Select(d => Effective(d, settings.GetValueOrDefault(d.Key)))];
    }

    public static async Task<EffectiveTool> EffectiveToolAsync(this ToolsDbContext db, ActionDefinition definition, Guid tenantId,
        CancellationToken cancellationToken) =>
        Effective(definition, await db.TenantToolSettings.AsNoTracking()
            .SingleOrDefaultAsync(s => s.TenantId == tenantId && s.ToolKey == definition.Key, cancellationToken));

    static EffectiveTool Effective(ActionDefinition definition, TenantToolSetting? setting) => new(
        definition,
        setting?.Enabled ?? definition.EnabledByDefault,
        definition.RequiresApproval || setting?.RequireApproval == true,
        setting is null ? [] : JsonNode.Parse(setting.Configuration) as JsonObject ?? []);
}
