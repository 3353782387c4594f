namespace AgentCloud.ToolGateway.Execution;

/// <summary>The <c>ToolExecution</c> section.</summary>
public sealed class ToolExecutionOptions
{
    public const string Section = "ToolExecution";

    /// <summary>A claimed call still <c>started</c> this long after its tool's timeout has lost its gateway (which stopped
    /// mid-call) and is recovered by the next attempt with its tool call id.</summary>
    public TimeSpan LeaseGrace { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A <see cref="FaultPoints"/> name (<c>after-hold</c>, <c>after-commit</c>): the process kills itself there,
    /// as <c>kill -9</c> would. For crash tests only; unset (the default), nothing happens.</summary>
    public string? ExitAt { get; set; }
}
