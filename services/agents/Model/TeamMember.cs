namespace AgentCloud.Agents.Model;

public sealed class TeamMember : ITenantOwned
{
    public Guid TeamId { get; set; }
    public Guid UserId { get; set; }
    public Guid TenantId { get; set; }
}
