namespace AgentCloud.Billing.Model;

/// <summary>
/// Seed 002 business_tokens: a tenant's balance, or one location's. AvailableTokens = sum of its ledger.
/// TotalTokensUsed includes tokens still held (so a full commit need not touch this row).
/// </summary>
public sealed class TokenAccount
{
    public Guid Id { get; set; }
    public Guid TenantId { get; set; }
    public Guid? LocationId { get; set; }
    public long AvailableTokens { get; set; }
    public long TotalTokensPurchased { get; set; }
    public long TotalTokensUsed { get; set; }
    public DateOnly? LastMonthlyFeeDate { get; set; }
    public DateTimeOffset? LastMonthlyFeeAt { get; set; }
    public long? LastMonthlyFeeTokens { get; set; }
    public long LowBalanceThreshold { get; set; }
    public bool ExhaustedNotified { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
