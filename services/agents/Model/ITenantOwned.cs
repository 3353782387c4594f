namespace AgentCloud.Agents.Model;

/// <summary>A row that belongs to one tenant: AgentsDbContext filters it to the caller's tenant.</summary>
public interface ITenantOwned
{
    Guid TenantId { get; }
}
