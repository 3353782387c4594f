namespace AgentCloud.Billing.Model;

/// <summary>
/// Seed 002 balance. PaidBy says which account pays for the requested scope: "location" (it has its own account),
/// "tenant" (the tenant's account pays for it) or "none" (no account yet: zero). AvailableTokens already excludes
/// ReservedTokens (held by operations still running); TotalTokensUsed counts committed charges only.
/// </summary>
public sealed record BalanceResponse(
    Guid TenantId, Guid? LocationId, Guid? AccountId, string PaidBy, long AvailableTokens, long ReservedTokens,
    long TotalTokensPurchased, long TotalTokensUsed, DateOnly? LastMonthlyFeeDate, long LowBalanceThreshold);

public sealed record UsageItem(
    Guid Id, Guid TenantId, Guid? LocationId, Guid? UserId, string? SessionId, string OperationType, long TokensUsed,
    string? Description, string? Metadata, Guid? HoldId, DateTimeOffset CreatedAt);

public sealed record UsagePage(IReadOnlyList<UsageItem> Items, int Limit, int Offset);

/// <summary>Seed 002 <c>{ "amount": 1000 }</c>; optional location (opens its own account) and idempotency key (or the Idempotency-Key header).</summary>
public sealed record AddTokensRequest(long Amount, Guid? LocationId = null, string? IdempotencyKey = null);

public sealed record AddTokensResponse(Guid TenantId, Guid? LocationId, Guid AccountId, long Amount, long AvailableTokens, long TotalTokensPurchased);

public sealed record SetCostRequest(string OperationType, long Tokens);

public sealed record BillingSettingsRequest(long LowBalanceThreshold);

public sealed record LedgerVerification(bool Consistent, int Accounts, IReadOnlyList<Ledger.LedgerMismatch> Mismatches);
