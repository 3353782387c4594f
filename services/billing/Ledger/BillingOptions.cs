namespace AgentCloud.Billing.Ledger;

/// <summary>The <c>Billing</c> configuration section.</summary>
public sealed class BillingOptions
{
    public int DefaultHoldTtlSeconds { get; set; } = 300;

    public int MaxHoldTtlSeconds { get; set; } = 3600;

    public TimeSpan HoldSweepInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often the monthly fee job looks for tenants not yet charged this month.</summary>
    public TimeSpan MonthlyFeeInterval { get; set; } = TimeSpan.FromMinutes(1);

    public bool MonthlyFeeEnabled { get; set; } = true;
}
