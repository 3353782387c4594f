using AgentCloud.ToolGateway.Clients;
using AgentCloud.ToolGateway.Connectors;
using AgentCloud.ToolGateway.Infrastructure;
using AgentCloud.ToolGateway.Model;
using Microsoft.EntityFrameworkCore;

namespace AgentCloud.ToolGateway.Execution;

/// <summary>
/// The tools of a tenant's registered MCP servers, listed live from each server (the catalog is what the server says
/// now). A server that cannot be reached is left out of the catalog and logged, never failing the whole list.
/// </summary>
public sealed class ExternalMcpTools(ToolsDbContext db, ICredentialsClient credentials, ILoggerFactory loggers, ILogger<ExternalMcpTools> logger)
{
    public async Task<List<EffectiveTool>> ListAsync(Guid tenantId, CancellationToken cancellationToken)
    {
        var servers = await db.McpServers.AsNoTracking().Where(s => s.TenantId == tenantId).OrderBy(s => s.Namespace).ToListAsync(cancellationToken);
        var tools = new List<EffectiveTool>();
        foreach (var server in servers)
        {
            tools.AddRange(await ToolsOfAsync(server, cancellationToken));
        }
        return tools;
    }

    /// <summary>The tool behind <c>{namespace}__{tool}</c>, or null when no registered server offers it.</summary>
    public async Task<EffectiveTool?> FindAsync(Guid tenantId, string key, CancellationToken cancellationToken)
    {
        var separator = key.IndexOf(ExternalMcpConnector.Separator, StringComparison.Ordinal);
        if (separator <= 0)
        {
            return null;
        }
        var ns = key[..separator];
        var server = await db.McpServers.AsNoTracking().SingleOrDefaultAsync(s => s.TenantId == tenantId && s.Namespace == ns, cancellationToken);
        return server is null ? null : (await ToolsOfAsync(server, cancellationToken)).SingleOrDefault(t => t.Definition.Key == key);
    }

    async Task<List<EffectiveTool>> ToolsOfAsync(McpServerRegistration server, CancellationToken cancellationToken)
    {
        var connector = new ExternalMcpConnector(server, loggers);
        try
        {
            var credential = server.CredentialId is { } id
                ? await credentials.GetAsync(server.TenantId, id, null, $"catalog/mcp:{server.Namespace}", cancellationToken)
                : null;
            var listed = await connector.ListAsync(credential, cancellationToken);
            return [.. listed.Select(t => new EffectiveTool(connector.Define(t.ProtocolTool), true, server.RequireApproval, [], connector))];
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning("MCP server {Namespace} of tenant {TenantId} could not be listed: {Error}", server.Namespace, server.TenantId, e.GetType().Name);
            return [];
        }
    }
}
