namespace AgentCloud.Triggers.Model;

public sealed class Trigger
{
    public Guid Id { get; set; }
    public Guid TenantId { get; set; }
    public Guid AgentId { get; set; }
    public required string System { get; set; }
    public Guid? CredentialId { get; set; }
    public string Options { get; set; } = "{}";
    public bool Active { get; set; } = true;
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
