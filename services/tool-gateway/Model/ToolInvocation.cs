namespace AgentCloud.ToolGateway.Model;

/// <summary>One row per (tenant, tool call id): the idempotency claim, then the audit record of the outcome.</summary>
public sealed class ToolInvocation
{
    public Guid Id { get; set; }
    public Guid TenantId { get; set; }
    public required string ToolKey { get; set; }
    public required string ToolCallId { get; set; }
    public required string Status { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public Guid? UserId { get; set; }
    public Guid? AgentId { get; set; }
    public Guid? RunId { get; set; }
    public Guid? LocationId { get; set; }
    public string Caller { get; set; } = "";
    public string ArgumentsHash { get; set; } = "";
    public Guid? HoldId { get; set; }
    public long TokensCharged { get; set; }
    public string? ErrorCode { get; set; }
    public string? Result { get; set; }
    public long? LatencyMs { get; set; }
    public string? TraceId { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }
}

public static class InvocationStatus
{
    public const string Started = "started";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
    public const string Unknown = "unknown";
    public const string InProgress = "in_progress";
}
