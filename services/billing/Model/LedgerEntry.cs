namespace AgentCloud.Billing.Model;

/// <summary>One signed change of an account's available balance. Append-only.</summary>
public sealed class LedgerEntry
{
    public long Id { get; set; }
    public Guid AccountId { get; set; }
    public required string Kind { get; set; }
    public long Amount { get; set; }
    public Guid? HoldId { get; set; }
    public string? EntryKey { get; set; }
    public long? BalanceAfter { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
