using AgentCloud.ToolGateway.Schema;

namespace AgentCloud.ToolGateway.Execution.Steps;

/// <summary>The tool is enabled for the tenant and the arguments match its JSON Schema (built once, see <see cref="ToolSchemas"/>).</summary>
public static class ValidateArguments
{
    public static StepOutcome? Run(ToolCall call)
    {
        var key = call.Definition.Key;
        using var step = ToolGatewayTelemetry.Step("validate", key);
        if (!call.Command.Tool.Enabled)
        {
            return StepOutcome.Fail("tool_disabled", $"The tool '{key}' is not enabled for this tenant.");
        }
        var problems = ToolSchemas.Validate(call.Definition.Parameters, call.Command.Arguments);
        step?.SetTag("agentcloud.tool.problems", problems.Count);
        return problems.Count == 0 ? null
            : StepOutcome.Fail("invalid_arguments", $"The arguments do not match the schema of '{key}' ({problems.Count} problem(s)).", problems);
    }
}
