using AgentCloud.EventBus.Abstractions;

namespace AgentCloud.Contracts.Billing;

/// <summary>A debit took the account's available balance below its tenant's threshold.</summary>
public sealed record BalanceLow(Guid? LocationId, Guid AccountId, long AvailableTokens, long Threshold) : IntegrationEvent;
