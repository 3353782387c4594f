namespace AgentCloud.ToolGateway.Model;

public sealed class JsonDocumentEntry
{
    public Guid TenantId { get; set; }
    public required string Name { get; set; }
    public required string Content { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
