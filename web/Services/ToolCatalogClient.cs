using AgentCloud.Web.Session;

namespace AgentCloud.Web.Services;

public sealed record CatalogTool(string Key, string Name, string Category, string Description, IReadOnlyList<string> RequiredPermissions, long TokenCost,
    string DefaultDecisionLevel, bool RequiresApproval, string? CredentialType, bool CredentialOptional);

/// <summary>The tool gateway's catalog: the tools enabled for the signed-in user's tenant, with their prices.</summary>
public sealed class ToolCatalogClient(HttpClient http, CurrentUser user) : ServiceClient(http, user)
{
    public Task<List<CatalogTool>> ListAsync(CancellationToken cancellationToken) => GetAsync<List<CatalogTool>>("/tools", cancellationToken);
}
