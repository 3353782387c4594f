namespace AgentCloud.Contracts.Billing;

/// <summary>A hold's state. Status: held, committed, released, expired. AvailableTokens: the paying account's balance.</summary>
public sealed record HoldResponse(
    Guid HoldId,
    Guid AccountId,
    long Amount,
    long? CommittedAmount,
    string Status,
    long AvailableTokens,
    DateTimeOffset? ExpiresAt);
