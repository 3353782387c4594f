using AgentCloud.EventBus.Abstractions;

namespace AgentCloud.Contracts.Billing;

/// <summary>The account reached zero (or below), or first refused a hold it could not pay; again only after a purchase.</summary>
public sealed record BalanceExhausted(Guid? LocationId, Guid AccountId, long AvailableTokens) : IntegrationEvent;
