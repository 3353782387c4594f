using System.Diagnostics;
using AgentCloud.Contracts.Tools;
using AgentCloud.ToolGateway.Clients;
using AgentCloud.ToolGateway.Model;
using AgentCloud.ToolGateway.Registry;

namespace AgentCloud.ToolGateway.Execution;

/// <summary>One tool call on its way through the pipeline: what was asked, and what the steps have done so far.</summary>
public sealed class ToolCall(InvocationCommand command, DateTimeOffset startedAt)
{
    public InvocationCommand Command => command;

    public ActionDefinition Definition => command.Tool.Definition;

    /// <summary>The id of its audit row (and of its <see cref="ToolInvoked"/> event).</summary>
    public Guid InvocationId { get; } = Guid.CreateVersion7();

    public string ArgumentsHash { get; } = ApprovalGrant.HashArguments(command.Arguments);

    public DateTimeOffset StartedAt => startedAt;

    public long StartedTicks { get; } = Stopwatch.GetTimestamp();

    public string? TraceId { get; } = Activity.Current?.TraceId.ToString();

    /// <summary>Its row is saved as <c>started</c>: from now on only a recorded outcome (or a recovery) ends it.</summary>
    public bool Claimed { get; set; }

    /// <summary>A hold was asked of billing and no answer came (a timeout, the caller gone): billing may hold one.</summary>
    public bool HoldUnanswered { get; set; }

    public Guid? HoldId { get; set; }

    public ResolvedCredential? Credential { get; set; }

    public long ConnectorTicks { get; set; }

    public long TokensCharged { get; set; }

    /// <summary>Billing's idempotency key for this call's hold: a retry places no second hold, and a recovery finds it.</summary>
    public string HoldKey => HoldKeyOf(command.TenantId, command.ToolCallId);

    public static string HoldKeyOf(Guid tenantId, string toolCallId) => $"tool-call:{tenantId}:{toolCallId}";

    /// <summary>The audit row as it is claimed: status <c>started</c>, nothing decided yet.</summary>
    public ToolInvocation StartedRow() => new()
    {
        Id = InvocationId, TenantId = command.TenantId, ToolKey = Definition.Key, ToolCallId = command.ToolCallId,
        Status = InvocationStatus.Started, CreatedAt = startedAt, UserId = command.UserId, AgentId = command.AgentId,
        RunId = command.RunId, LocationId = command.LocationId, Caller = command.Caller, ArgumentsHash = ArgumentsHash, TraceId = TraceId,
    };
}
