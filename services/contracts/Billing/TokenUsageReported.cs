using AgentCloud.EventBus.Abstractions;

namespace AgentCloud.Contracts.Billing;

/// <summary>
/// In: usage a service reports after the operation ran (instead of a hold), for the tenant in the event's TenantId.
/// Billing charges it once per event id, even into a negative balance, since it already happened.
/// </summary>
public sealed record TokenUsageReported(
    string OperationType, long Tokens, Guid? LocationId = null, Guid? UserId = null, string? SessionId = null,
    string? Description = null) : IntegrationEvent;
