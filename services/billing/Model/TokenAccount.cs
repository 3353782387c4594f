namespace AgentCloud.Billing.Model;

public sealed class TokenAccount
{
    public Guid Id { get; set; }
    public Guid TenantId { get; set; }
    public Guid? LocationId { get; set; }
    public long AvailableTokens { get; set; }
    public long TotalTokensPurchased { get; set; }
    public long TotalTokensUsed { get; set; }
    public DateOnly? LastMonthlyFeeDate { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
