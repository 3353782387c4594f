using System.Diagnostics;
using System.Text.Json;
using AgentCloud.Hosting.Machine;
using AgentCloud.Hosting.Orchestration;

namespace AgentCloud.AppHost.Tests;

/// <summary>The AppHost as a user runs it: a real process, on free ports, in a given state folder.</summary>
sealed class AppHostProcess : IDisposable
{
    static readonly string[] ResourceNames = ["postgres", "redis", "agents", "tool-gateway", "credentials", "triggers", "billing", "web"];
    readonly Process _process;
    readonly ResourceLog _log = new("apphost", null);

    AppHostProcess(Process process) => _process = process;

    public string Output => string.Join('\n', _log.Recent());

    public int Pid => _process.Id;

    public static AppHostProcess Start(string stateFolder)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "exec", typeof(Program).Assembly.Location, $"--StateFolder={stateFolder}" }
            .Concat(ResourceNames.Select(name => $"--Ports:{name}=0")))
        {
            start.ArgumentList.Add(argument);
        }
        var process = Process.Start(start)!;
        var host = new AppHostProcess(process);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) host._log.Write(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) host._log.Write(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return host;
    }

    /// <summary>Waits until resources.json says every resource runs; returns name → pid.</summary>
    public async Task<Dictionary<string, int>> WaitUntilRunningAsync(string stateFolder, TimeSpan timeout)
    {
        var file = Path.Combine(stateFolder, "resources.json");
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The AppHost exited with {_process.ExitCode}:\n{Output}");
            }
            if (File.Exists(file) && Output.Contains("resources healthy"))
            {
                var resources = JsonSerializer.Deserialize<JsonElement[]>(await File.ReadAllTextAsync(file))!;
                if (resources.Length == ResourceNames.Length && resources.All(r => r.GetProperty("state").GetString() == "Running"))
                {
                    return resources.ToDictionary(r => r.GetProperty("name").GetString()!, r => r.GetProperty("pid").GetInt32());
                }
            }
            await Task.Delay(200);
        }
        throw new TimeoutException($"The AppHost did not bring everything up in {timeout}:\n{Output}");
    }

    public void Signal(int signal) => Signals.Send(Pid, signal);

    /// <summary>
    /// Ctrl+C, as far as this environment allows: a background job of a non-interactive shell (as CI may run us) starts
    /// with SIGINT ignored, the AppHost inherits that, and then only SIGTERM (the same stop path) can reach it.
    /// </summary>
    public static int InterruptSignal => SignalIgnoredHere(Signals.SIGINT) ? Signals.SIGTERM : Signals.SIGINT;

    static bool SignalIgnoredHere(int signal) =>
        File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal)) is { } line
        && (Convert.ToUInt64(line["SigIgn:".Length..].Trim(), 16) & (1UL << (signal - 1))) != 0;

    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public int ExitCode => _process.ExitCode;

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }
        _process.Dispose();
    }
}
