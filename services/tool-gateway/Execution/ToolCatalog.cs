using AgentCloud.ToolGateway.Registry;

namespace AgentCloud.ToolGateway.Execution;

/// <summary>
/// A tenant's tools as every surface shows them (<c>GET /tools</c>, its OpenAI-shaped list, MCP <c>tools/list</c>):
/// the built-in tools with the tenant's settings, the tools of its registered MCP servers, and what each costs this
/// tenant (<see cref="TenantPrices"/>).
/// </summary>
/// <remarks><c>withExternal: false</c> leaves the external servers out: for a request another gateway relayed, so that
/// a gateway registered as its own MCP server (or two registered with each other) cannot relay in a loop.</remarks>
public sealed class ToolCatalog(TenantToolSettings settings, ToolRegistry registry, ExternalMcpTools external, TenantPrices prices)
{
    public async Task<List<PricedTool>> ListEnabledAsync(Guid tenantId, bool withExternal, CancellationToken cancellationToken)
    {
        var tools = await settings.EffectiveToolsAsync(registry, tenantId, cancellationToken);
        if (withExternal)
        {
            tools.AddRange(await external.ListAsync(tenantId, cancellationToken));
        }
        var price = await prices.ForTenantAsync(tenantId, cancellationToken);
        return [.. tools.Where(t => t.Enabled).Select(t => new PricedTool(t, price(t.Definition)))];
    }

    /// <summary>A built-in tool, or <c>{namespace}__{tool}</c> of a registered MCP server; null when there is none.</summary>
    public async Task<EffectiveTool?> FindAsync(Guid tenantId, string key, bool withExternal, CancellationToken cancellationToken) =>
        registry.TryGet(key, out var definition, out _) ? await settings.EffectiveToolAsync(definition, tenantId, cancellationToken)
        : withExternal ? await external.FindAsync(tenantId, key, cancellationToken)
        : null;

    public async Task<PricedTool> PriceAsync(EffectiveTool tool, Guid tenantId, CancellationToken cancellationToken) =>
        new(tool, (await prices.ForTenantAsync(tenantId, cancellationToken))(tool.Definition));
}

/// <summary>A tool with what one call costs this tenant, in tokens.</summary>
public sealed record PricedTool(EffectiveTool Tool, long TokenCost)
{
    /// <summary>What a model reads about the tool: its description and, when it is not free, its price.</summary>
    public string ModelDescription => TokenCost == 0 ? Tool.Definition.Description
        : $"{Tool.Definition.Description} Costs {TokenCost} token{(TokenCost == 1 ? "" : "s")} per call.";
}
