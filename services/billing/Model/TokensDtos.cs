namespace AgentCloud.Billing.Model;

/// <summary>
/// Seed 002 balance. PaidBy says which account pays for the requested scope: "location" (it has its own account),
/// "tenant" (the tenant's account pays for it) or "none" (no account yet: zero). AvailableTokens already excludes
/// ReservedTokens (held by operations still running); TotalTokensUsed counts committed charges only. MonthlyFee: the
/// tenant's fee (null when a location's own account pays, or when the fee is off).
/// </summary>
public sealed record BalanceResponse(
    Guid TenantId, Guid? LocationId, Guid? AccountId, string PaidBy, long AvailableTokens, long ReservedTokens,
    long TotalTokensPurchased, long TotalTokensUsed, DateOnly? LastMonthlyFeeDate, long LowBalanceThreshold, MonthlyFeeInfo? MonthlyFee);

/// <summary>
/// A tenant's monthly fee (seed 002's monthly_fee cost, or its plan's). LastCharged*: the last fee charged (its month,
/// when, and what it took). DueTokens: this UTC month's fee while it is not charged yet; the next purchase pays it
/// first (0 once charged). NextDueAt: when the next fee falls due (in the past while DueTokens is not 0).
/// </summary>
public sealed record MonthlyFeeInfo(
    long Amount, DateOnly? LastChargedMonth, DateTimeOffset? LastChargedAt, long LastChargedTokens, long DueTokens, DateTimeOffset NextDueAt);

public sealed record UsageItem(
    Guid Id, Guid TenantId, Guid? LocationId, Guid? UserId, string? SessionId, string OperationType, long TokensUsed,
    string? Description, string? Metadata, Guid? HoldId, DateTimeOffset CreatedAt);

public sealed record UsagePage(IReadOnlyList<UsageItem> Items, int Limit, int Offset);

/// <summary>Seed 002 <c>{ "amount": 1000 }</c>; optional location (opens its own account) and idempotency key (or the Idempotency-Key header).</summary>
public sealed record AddTokensRequest(long Amount, Guid? LocationId = null, string? IdempotencyKey = null);

/// <summary>
/// AvailableTokens is the balance after the purchase and after the monthly fee it paid; MonthlyFeeCharged is what that
/// fee took (0 when none was due); MonthlyFee as in the balance.
/// </summary>
public sealed record AddTokensResponse(Guid TenantId, Guid? LocationId, Guid AccountId, long Amount, long AvailableTokens, long TotalTokensPurchased,
    long MonthlyFeeCharged, MonthlyFeeInfo? MonthlyFee);

public sealed record SetCostRequest(string OperationType, long Tokens);

public sealed record BillingSettingsRequest(long LowBalanceThreshold);

public sealed record LedgerVerification(bool Consistent, int Accounts, IReadOnlyList<Ledger.LedgerMismatch> Mismatches);
