using AgentCloud.ToolGateway.Clients;
using AgentCloud.ToolGateway.Connectors;
using AgentCloud.ToolGateway.Infrastructure;
using AgentCloud.ToolGateway.Model;
using AgentCloud.ToolGateway.Schema;
using Microsoft.EntityFrameworkCore;

namespace AgentCloud.ToolGateway.Execution;

/// <summary>
/// The tools of a tenant's registered MCP servers, listed live from each server (the catalog is what the server says
/// now). A server that cannot be reached is left out of the catalog and logged, never failing the whole list; so is a
/// tool whose input schema cannot be applied (arguments are checked against it before anything is sent).
/// </summary>
public sealed class ExternalMcpTools(ToolsDbContext db, ICredentialsClient credentials, ILoggerFactory loggers, ILogger<ExternalMcpTools> logger)
{
    public static readonly TimeSpan RegistrationProbeTimeout = TimeSpan.FromSeconds(10);

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

    /// <summary>
    /// For a server being registered: its tools whose input schema cannot be applied, with the reason (none: all can).
    /// Null when the server could not be asked within <see cref="RegistrationProbeTimeout"/>; it is then checked at
    /// each listing.
    /// </summary>
    public async Task<Dictionary<string, string>?> UnusableSchemasAsync(McpServerRegistration server, CancellationToken cancellationToken)
    {
        using var probe = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        probe.CancelAfter(RegistrationProbeTimeout);
        try
        {
            return (await DescribeAsync(server, probe.Token)).Unusable;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            logger.LogInformation("MCP server {Namespace} could not be asked for its tools at registration: {Error}", server.Namespace, e.GetType().Name);
            return null;
        }
    }

    async Task<List<EffectiveTool>> ToolsOfAsync(McpServerRegistration server, CancellationToken cancellationToken)
    {
        try
        {
            var (usable, unusable) = await DescribeAsync(server, cancellationToken);
            foreach (var (tool, reason) in unusable)
            {
                logger.LogWarning("Tool {Tool} of MCP server {Namespace} (tenant {TenantId}) is left out of the catalog: {Reason}",
                    tool, server.Namespace, server.TenantId, reason);
            }
            return usable;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning("MCP server {Namespace} of tenant {TenantId} could not be listed: {Error}", server.Namespace, server.TenantId, e.GetType().Name);
            return [];
        }
    }

    async Task<(List<EffectiveTool> Usable, Dictionary<string, string> Unusable)> DescribeAsync(McpServerRegistration server,
        CancellationToken cancellationToken)
    {
        var connector = new ExternalMcpConnector(server, loggers);
        var credential = server.CredentialId is { } id
            ? await credentials.GetAsync(server.TenantId, id, null, $"catalog/mcp:{server.Namespace}", cancellationToken)
            : null;
        var (usable, unusable) = (new List<EffectiveTool>(), new Dictionary<string, string>());
        foreach (var listed in await connector.ListAsync(credential, cancellationToken))
        {
            var definition = connector.Define(listed.ProtocolTool);
            try
            {
                ToolSchemas.For(definition.Parameters);
                usable.Add(new EffectiveTool(definition, true, server.RequireApproval, [], connector));
            }
            catch (InvalidToolSchemaException e)
            {
                unusable[listed.ProtocolTool.Name] = e.Message;
            }
        }
        return (usable, unusable);
    }
}
