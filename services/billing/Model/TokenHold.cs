namespace AgentCloud.Billing.Model;

/// <summary>A reservation: debited when held, then committed (unused part refunded), released or expired (refunded).</summary>
public sealed class TokenHold
{
    public Guid Id { get; set; }
    public Guid AccountId { get; set; }
    public Guid TenantId { get; set; }
    public Guid? LocationId { get; set; }
    public Guid? UserId { get; set; }
    public string? SessionId { get; set; }
    public required string OperationType { get; set; }
    public long Amount { get; set; }
    public long? CommittedAmount { get; set; }
    public required string Status { get; set; }
    public required string IdempotencyKey { get; set; }
    public string? Description { get; set; }
    public string? Metadata { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? SettledAt { get; set; }
}
