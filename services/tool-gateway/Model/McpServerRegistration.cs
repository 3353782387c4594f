namespace AgentCloud.ToolGateway.Model;

public sealed class McpServerRegistration
{
    public Guid Id { get; set; }
    public Guid TenantId { get; set; }
    public required string Namespace { get; set; }
    public required string Url { get; set; }
    public Guid? CredentialId { get; set; }
    public List<string> AllowedNetworks { get; set; } = [];
    public long TokenCost { get; set; }
    public bool RequireApproval { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
