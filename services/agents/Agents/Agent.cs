using AgentCloud.Agents.Model;

namespace AgentCloud.Agents.Agents;

/// <summary>An agent's identity and current version (the definition itself lives in <see cref="AgentVersion"/>).</summary>
public sealed class Agent : ITenantOwned
{
    public Guid Id { get; set; }
    public Guid TenantId { get; set; }
    public Guid OwnerUserId { get; set; }
    public required string Scope { get; set; }
    public Guid? TeamId { get; set; }
    public required string Name { get; set; }
    public string Description { get; set; } = "";
    public bool IsDefault { get; set; }
    public int CurrentVersion { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? DeletedAt { get; set; }
}

public sealed class AgentVersion : ITenantOwned
{
    public Guid AgentId { get; set; }
    public int Version { get; set; }
    public Guid TenantId { get; set; }
    public required string Definition { get; set; }
    public Guid? CreatedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
