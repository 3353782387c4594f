using Microsoft.Extensions.Options;

namespace AgentCloud.Agents.Runs;

/// <summary>
/// For crash tests only: when <c>Runtime:FaultPoint</c> names a point the worker reaches, it prints
/// <c>FAULT-POINT {name} {runId}</c> and stops dead (never returns), so a test can kill -9 the process right there.
/// Points: <c>before-tool</c> (the tool step is persisted, nothing sent), <c>after-tool</c> (the gateway answered,
/// the result not yet persisted).
/// </summary>
public sealed class RunFaultPoint(IOptions<RuntimeOptions> options)
{
    public async Task ReachedAsync(string point, Guid runId)
    {
        if (options.Value.FaultPoint == point)
        {
            Console.Out.WriteLine($"FAULT-POINT {point} {runId}");
            await Console.Out.FlushAsync();
            await Task.Delay(Timeout.Infinite);
        }
    }
}
