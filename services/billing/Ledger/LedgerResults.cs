namespace AgentCloud.Billing.Ledger;

/// <summary>What a hold call did. Outcome: held, existing, insufficient, unknown_operation.</summary>
public sealed record HoldResult(string Outcome, Guid? HoldId, Guid? AccountId, long Amount, string? Status, long AvailableTokens, DateTimeOffset? ExpiresAt);

/// <summary>
/// What a commit/release/expiry did. Outcome: committed, released, expired, already_committed, already_released,
/// already_expired, exceeds_hold, not_found, or the hold's other status when it cannot change.
/// </summary>
public sealed record SettleResult(string Outcome, Guid HoldId, Guid? AccountId, long Amount, long? CommittedAmount, string? Status, long AvailableTokens);

/// <summary>Outcome: purchased or existing (the key was used before: that purchase's amount and resulting balance).</summary>
public sealed record PurchaseResult(string Outcome, Guid AccountId, long Amount, long AvailableTokens, long TotalTokensPurchased);

/// <summary>An account whose balance differs from the sum of its ledger.</summary>
public sealed record LedgerMismatch(Guid AccountId, Guid TenantId, Guid? LocationId, long AvailableTokens, long LedgerSum);
