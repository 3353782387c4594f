using AgentCloud.Agents.Model;

namespace AgentCloud.Agents.Memory;

public sealed class UserFact : ITenantOwned
{
    public Guid Id { get; set; }
    public Guid TenantId { get; set; }
    public Guid UserId { get; set; }
    public required string Fact { get; set; }
    public Guid? AgentId { get; set; }
    public Guid? RunId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
