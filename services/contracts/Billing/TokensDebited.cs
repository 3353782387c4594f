using AgentCloud.EventBus.Abstractions;

namespace AgentCloud.Contracts.Billing;

/// <summary>
/// Tokens were charged to an account. For committed holds, one event sums the commits of one operation type on one
/// account that were applied together (<see cref="Operations"/> of them, <see cref="HoldIds"/>); a monthly fee or
/// reported usage is one event of one operation, without hold ids. The tenant is the event's TenantId (CloudEvent
/// tenantid), as for every billing event. Per-operation detail is in the usage log.
/// </summary>
public sealed record TokensDebited(
    Guid? LocationId, Guid AccountId, string OperationType, long Tokens, long AvailableTokens,
    int Operations = 1, IReadOnlyList<Guid>? HoldIds = null) : IntegrationEvent;
