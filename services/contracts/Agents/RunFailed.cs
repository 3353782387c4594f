using AgentCloud.EventBus.Abstractions;

namespace AgentCloud.Contracts.Agents;

/// <summary>
/// A run ended without an answer: <see cref="Status"/> is <c>failed</c> (see <see cref="ErrorCode"/>, e.g.
/// <c>insufficient_tokens</c>, <c>model_error</c>, <c>too_many_steps</c>), <c>cancelled</c> (cancel API or
/// interrupted by a newer message) or <c>expired</c> (an approval expired and the policy ends the run).
/// </summary>
[EventType("agentcloud.agents.run-failed")]
public sealed record RunFailed(
    Guid RunId,
    Guid AgentId,
    int AgentVersion,
    Guid ConversationId,
    Guid UserId,
    Guid? ParentRunId,
    string Status,
    string? ErrorCode,
    string? Message,
    string? TraceId) : IntegrationEvent;
