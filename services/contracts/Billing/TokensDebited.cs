using AgentCloud.EventBus.Abstractions;

namespace AgentCloud.Contracts.Billing;

/// <summary>
/// Tokens were charged: a committed hold, a monthly fee or reported usage (HoldId null for the latter two). The tenant
/// is the event's TenantId (CloudEvent tenantid), as for every billing event.
/// </summary>
public sealed record TokensDebited(
    Guid? LocationId, Guid AccountId, Guid? HoldId, string OperationType, long Tokens, long AvailableTokens) : IntegrationEvent;
