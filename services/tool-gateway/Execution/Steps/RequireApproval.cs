namespace AgentCloud.ToolGateway.Execution.Steps;

/// <summary>A tool that needs a person's approval (its definition, or the tenant's setting) runs only with a valid
/// approval grant for exactly this call (<see cref="ApprovalGrantVerifier"/>).</summary>
public sealed class RequireApproval(ApprovalGrantVerifier grants)
{
    public async Task<StepOutcome?> RunAsync(ToolCall call, CancellationToken cancellationToken)
    {
        if (!call.Command.Tool.RequiresApproval)
        {
            return null;
        }
        var command = call.Command;
        using var step = ToolGatewayTelemetry.Step("approval", call.Definition.Key);
        var refusal = await grants.VerifyAsync(command.ApprovalGrant, command.TenantId, call.Definition.Key, command.ToolCallId,
            call.ArgumentsHash, cancellationToken);
        step?.SetTag("agentcloud.tool.approved", refusal is null);
        return refusal is null ? null : StepOutcome.Fail("approval_required", refusal);
    }
}
