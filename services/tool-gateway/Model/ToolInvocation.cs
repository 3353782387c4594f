namespace AgentCloud.ToolGateway.Model;

public sealed class ToolInvocation
{
    public Guid Id { get; set; }
    public Guid TenantId { get; set; }
    public required string ToolKey { get; set; }
    public required string ToolCallId { get; set; }
    public required string Status { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
