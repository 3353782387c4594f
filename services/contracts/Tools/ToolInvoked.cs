using AgentCloud.EventBus.Abstractions;

namespace AgentCloud.Contracts.Tools;

/// <summary>
/// A tool call reached its final outcome (succeeded, failed, refused or unknown after a crash). Published once per
/// tool call id through the tool gateway's outbox. Never carries arguments or results: only their hash.
/// </summary>
[EventType("agentcloud.tools.tool-invoked")]
public sealed record ToolInvoked(
    Guid InvocationId,
    string ToolKey,
    string ToolCallId,
    Guid? UserId,
    Guid? AgentId,
    Guid? RunId,
    Guid? LocationId,
    string Outcome,
    string? ErrorCode,
    string ArgumentsHash,
    long TokensCharged,
    long LatencyMs,
    string? TraceId) : IntegrationEvent;
