using AgentCloud.Contracts.Tools;
using AgentCloud.ToolGateway.Execution.Idempotency;
using AgentCloud.ToolGateway.Execution.Steps;

namespace AgentCloud.ToolGateway.Execution;

/// <summary>
/// One tool call, step by step; each step is a class in <c>Steps/</c> named for what it does, and a span
/// <c>tool.{step}</c> under <c>tool.invoke</c>:
/// <list type="number">
/// <item>checks, before anything happens anywhere: <see cref="ValidateArguments"/> → <see cref="CheckPermissions"/> →
/// <see cref="RequireApproval"/>;</item>
/// <item>the tool call id is claimed (<see cref="ToolCallClaims"/>), unless the tool is read-only: it changes nothing,
/// so running it twice is running it once;</item>
/// <item>effects: <see cref="ReserveTokens"/> → <see cref="FetchCredential"/> → <see cref="RunConnector"/>;</item>
/// <item>always: <see cref="ChargeTokens"/> (commit on success, release otherwise) → <see cref="RecordOutcome"/> (the
/// audit row and <see cref="ToolInvoked"/>, one save).</item>
/// </list>
/// So a refused call and a read-only tool's call are saved once; a call with effects twice (its claim before them, its
/// outcome after). Every refusal or failure ends as a <see cref="ToolInvocationResult"/> the model can read.
/// </summary>
public sealed class ToolExecutor(
    CheckPermissions permissions, RequireApproval approval, ToolCallClaims claims, ReserveTokens reserve, FetchCredential credential,
    RunConnector connector, ChargeTokens charge, RecordOutcome record, TimeProvider time)
{
    public async Task<ToolInvocationResult> InvokeAsync(InvocationCommand command, CancellationToken cancellationToken)
    {
        using var activity = ToolGatewayTelemetry.Source.StartActivity("tool.invoke");
        activity?.SetTag("agentcloud.tool.key", command.Tool.Definition.Key).SetTag("agentcloud.tool.call_id", command.ToolCallId)
            .SetTag("agentcloud.tenant.id", command.TenantId.ToString());
        var call = new ToolCall(command, time.GetUtcNow());

        var refused = ValidateArguments.Run(call)
            ?? await permissions.RunAsync(call, cancellationToken)
            ?? await approval.RunAsync(call, cancellationToken);
        if (refused is null && !call.Definition.ReadOnly && await claims.ClaimAsync(call, cancellationToken) is { } earlier)
        {
            activity?.SetTag("agentcloud.tool.replayed", true).SetTag("agentcloud.tool.status", earlier.Status);
            return earlier;
        }
        var outcome = refused
            ?? await reserve.RunAsync(call, cancellationToken)
            ?? await credential.RunAsync(call, cancellationToken)
            ?? await connector.RunAsync(call);
        await charge.RunAsync(call, outcome);
        var result = await record.RunAsync(call, outcome) ?? await claims.ReplayAsync(call, CancellationToken.None);

        activity?.SetTag("agentcloud.tool.status", result.Status).SetTag("agentcloud.tool.error", result.Error?.Code);
        if (result.Replayed)
        {
            activity?.SetTag("agentcloud.tool.replayed", true);
        }
        return result;
    }
}
