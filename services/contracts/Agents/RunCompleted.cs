using AgentCloud.EventBus.Abstractions;

namespace AgentCloud.Contracts.Agents;

/// <summary>
/// A run finished with an answer. Usage includes its sub-agent runs (their cost is attributed to the root).
/// Never carries message contents. The tenant is the event's TenantId; the Subject is the run id.
/// </summary>
[EventType("agentcloud.agents.run-completed")]
public sealed record RunCompleted(
    Guid RunId,
    Guid AgentId,
    int AgentVersion,
    Guid ConversationId,
    Guid UserId,
    Guid? ParentRunId,
    string InputKind,
    long InputTokens,
    long OutputTokens,
    int ModelCalls,
    int ToolCalls,
    long TokensCharged,
    bool UsingStub,
    string? TraceId) : IntegrationEvent;
