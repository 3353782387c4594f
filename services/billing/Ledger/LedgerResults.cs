namespace AgentCloud.Billing.Ledger;

/// <summary>What a hold call did. Outcome: held, existing, insufficient, unknown_operation.</summary>
public sealed record HoldResult(string Outcome, Guid? HoldId, Guid? AccountId, long Amount, string? Status, long AvailableTokens, DateTimeOffset? ExpiresAt);

/// <summary>
/// What a commit/release/expiry did. Outcome: committed, released, expired, already_committed, already_released,
/// already_expired, exceeds_hold, not_found, or the hold's other status when it cannot change.
/// </summary>
public sealed record SettleResult(string Outcome, Guid HoldId, Guid? AccountId, long Amount, long? CommittedAmount, string? Status, long AvailableTokens);

/// <summary>
/// Outcome: purchased, existing (the key was used before: that purchase's amount and resulting balance) or
/// fee_not_covered (nothing written: the month's fee, <see cref="MonthlyFeeDue"/>, is more than balance + amount; no
/// account id when the purchase would have opened the account). <see cref="MonthlyFeeCharged"/>: what the month's fee
/// took from this purchase (0 when none was due).
/// </summary>
public sealed record PurchaseResult(
    string Outcome, Guid? AccountId, long Amount, long AvailableTokens, long TotalTokensPurchased, long MonthlyFeeCharged, long MonthlyFeeDue);

/// <summary>The last monthly fee charged to an account: its month, when, and what it took.</summary>
public sealed record MonthlyFeeCharge(DateOnly Month, DateTimeOffset? ChargedAt, long Tokens);

/// <summary>An account whose balance differs from the sum of its ledger.</summary>
public sealed record LedgerMismatch(Guid AccountId, Guid TenantId, Guid? LocationId, long AvailableTokens, long LedgerSum);
