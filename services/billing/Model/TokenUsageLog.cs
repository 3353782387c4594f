namespace AgentCloud.Billing.Model;

/// <summary>Seed 002 token_usage_logs: one row per charged operation.</summary>
public sealed class TokenUsageLog
{
    public Guid Id { get; set; }
    public Guid TenantId { get; set; }
    public Guid? LocationId { get; set; }
    public Guid? UserId { get; set; }
    public string? SessionId { get; set; }
    public required string OperationType { get; set; }
    public long TokensUsed { get; set; }
    public string? Description { get; set; }
    public string? Metadata { get; set; }
    public Guid? HoldId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
