using AgentCloud.EventBus.Abstractions;

namespace AgentCloud.Contracts.Agents;

/// <summary>
/// A run paused in <c>requires_approval</c>: a person must approve or reject the proposed actions before
/// <see cref="ExpiresAt"/> (then they count as rejected, or end the run, as configured). Arguments are not carried:
/// read them with <c>GET http://agents/runs/{runId}</c> or the approvals inbox.
/// </summary>
[EventType("agentcloud.agents.approval-requested")]
public sealed record ApprovalRequested(
    Guid RunId,
    Guid RootRunId,
    Guid AgentId,
    Guid ConversationId,
    Guid UserId,
    IReadOnlyList<ProposedAction> Actions,
    DateTimeOffset ExpiresAt) : IntegrationEvent;

/// <param name="DecisionLevel"><c>suggestion</c>, <c>consultation</c> or <c>approval_required</c>.</param>
/// <param name="Confidence">The model's confidence, 0–100, when it gave one.</param>
public sealed record ProposedAction(Guid ApprovalId, Guid StepId, string ToolKey, string DecisionLevel, double? Confidence);
