using System.Diagnostics;
using AgentCloud.Hosting.Machine;

namespace AgentCloud.Hosting.Orchestration;

/// <summary>
/// A child process in its own session (setsid), so a terminal's Ctrl+C reaches only the orchestrator, which then stops
/// children in dependency order. A small guard process ends the child if the orchestrator dies without cleaning up.
/// </summary>
public sealed class ManagedProcess : IAsyncDisposable
{
    readonly Process _process;
    readonly int _stopSignal;

    ManagedProcess(Process process, int stopSignal)
    {
        _process = process;
        _stopSignal = stopSignal;
        Exited = process.WaitForExitAsync();
    }

    public int Pid => _process.Id;

    public Task Exited { get; }

    public int? ExitCode => _process.HasExited ? _process.ExitCode : null;

    public static ManagedProcess Start(string file, IEnumerable<string> arguments, ResourceLog log,
        IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null, int stopSignal = Signals.SIGTERM)
    {
        var start = new ProcessStartInfo("setsid")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        start.ArgumentList.Add(file);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) log.Write(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) log.Write(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        StartGuard(process.Id);
        return new ManagedProcess(process, stopSignal);
    }

    /// <summary>Asks the process group to stop, then kills it if it has not exited within the grace period.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (_process.HasExited)
        {
            return;
        }
        Signals.SendToGroup(Pid, _stopSignal);
        if (await Task.WhenAny(Exited, Task.Delay(grace)) != Exited)
        {
            Signals.SendToGroup(Pid, Signals.SIGKILL);
            await Exited;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(TimeSpan.FromSeconds(10));
        _process.Dispose();
    }

    // Lives while both the orchestrator and the child live; if the orchestrator goes first, stops the child's group.
    static void StartGuard(int childPid)
    {
        const string script = """
            exec </dev/null >/dev/null 2>&1
            while kill -0 "$1" 2>/dev/null && kill -0 "$2" 2>/dev/null; do sleep 1; done
            if kill -0 "$2" 2>/dev/null; then kill -TERM "-$2" 2>/dev/null; sleep 5; kill -KILL "-$2" 2>/dev/null; fi
            """;
        var guard = new ProcessStartInfo("setsid") { UseShellExecute = false };
        foreach (var argument in new[] { "sh", "-c", script, "agentcloud-guard", Environment.ProcessId.ToString(), childPid.ToString() })
        {
            guard.ArgumentList.Add(argument);
        }
        Process.Start(guard)?.Dispose();
    }
}
