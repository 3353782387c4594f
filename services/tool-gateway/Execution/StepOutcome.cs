using System.Text.Json.Nodes;
using AgentCloud.Contracts.Tools;

namespace AgentCloud.ToolGateway.Execution;

public sealed record StepOutcome(bool Succeeded, JsonNode? Output, ToolError? Error)
{
    public static StepOutcome Ok(JsonNode? output) => new(true, output, null);

    public static StepOutcome Fail(string code, string message, IReadOnlyList<ToolArgumentProblem>? problems = null) =>
        new(false, null, new ToolError(code, message, problems));
}
