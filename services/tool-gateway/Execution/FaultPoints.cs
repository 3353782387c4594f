using System.Diagnostics;
using Microsoft.Extensions.Options;

namespace AgentCloud.ToolGateway.Execution;

/// <summary>
/// The places between two steps where a crash leaves work half-done, named so a test can make the gateway die there
/// (<c>ToolExecution:ExitAt</c>, e.g. <c>ToolExecution__ExitAt=after-commit</c>) and prove what recovery makes of
/// it. Inert unless configured.
/// </summary>
public sealed class FaultPoints(IOptions<ToolExecutionOptions> options)
{
    /// <summary>Billing holds the call's tokens; nothing else has happened.</summary>
    public const string AfterHold = "after-hold";

    /// <summary>The tool ran and billing committed its tokens; the outcome is not recorded yet.</summary>
    public const string AfterCommit = "after-commit";

    public void Reached(string point)
    {
        if (options.Value.ExitAt == point)
        {
            Console.Error.WriteLine($"Fault point {point} reached: the process kills itself (ToolExecution:ExitAt).");
            Process.GetCurrentProcess().Kill(); // SIGKILL: no shutdown, no flush, as a crash
        }
    }
}
