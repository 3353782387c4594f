using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;
using AgentCloud.LocalServers;

namespace AgentCloud.AppHost.Tests;

/// <summary>
/// The AppHost as a user runs it: a real process (what <c>dotnet run</c> starts), with the launch profile's settings
/// on free ports, in a given state folder. Every process of the run (DCP, the dashboard, PostgreSQL, redis-server, the
/// services) inherits a marker in its environment or works in the state folder, so the test can find them all, and
/// check they are gone.
/// </summary>
sealed class AppHostProcess : IDisposable
{
    readonly Process _process;
    readonly ConcurrentQueue<string> _output = new();
    readonly string _marker;
    readonly string _stateFolder;

    AppHostProcess(Process process, string marker, string stateFolder)
    {
        _process = process;
        _marker = marker;
        _stateFolder = stateFolder;
    }

    /// <summary>The processes of this run that are alive now.</summary>
    public IReadOnlyList<RunProcess> Processes => RunProcess.Of(_marker, _stateFolder);

    public string Output => string.Join('\n', _output);

    public int ExitCode => _process.ExitCode;

    public static AppHostProcess Start(string stateFolder)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "exec", BuildOutput, $"--StateFolder={stateFolder}", "--DcpPublisher:RandomizePorts=true" })
        {
            start.ArgumentList.Add(argument);
        }
        // What Properties/launchSettings.json gives `dotnet run`, on free ports.
        start.Environment["DOTNET_ENVIRONMENT"] = "Development";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{FreePort.Next()}";
        start.Environment["ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL"] = $"http://127.0.0.1:{FreePort.Next()}";
        start.Environment["ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL"] = $"http://127.0.0.1:{FreePort.Next()}";
        start.Environment["ASPIRE_ALLOW_UNSECURED_TRANSPORT"] = "true";
        var marker = Guid.NewGuid().ToString("N");
        start.Environment["AGENTCLOUD_TEST_RUN"] = marker;

        var host = new AppHostProcess(new Process { StartInfo = start }, marker, stateFolder);
        host._process.OutputDataReceived += (_, e) => { if (e.Data is not null) host._output.Enqueue(e.Data); };
        host._process.ErrorDataReceived += (_, e) => { if (e.Data is not null) host._output.Enqueue(e.Data); };
        host._process.Start();
        host._process.BeginOutputReadLine();
        host._process.BeginErrorReadLine();
        return host;
    }

    /// <summary>
    /// The AppHost as its own project built it, not the copy in this test project's output: there its dependencies
    /// are the test project's (StackExchange.Redis 3 instead of the 2.x Aspire.Hosting's Redis health check is built
    /// against), and run from there the AppHost brought up PostgreSQL and Redis but never started a service.
    /// </summary>
    public static string BuildOutput
    {
        get
        {
            var testOutput = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/')); // tests/X/bin/{Configuration}/{tfm}
            var repository = testOutput.Parent!.Parent!.Parent!.Parent!.Parent!.FullName;
            var dll = Path.Combine(repository, "AgentCloud.AppHost", "bin", testOutput.Parent.Name, testOutput.Name, "AgentCloud.AppHost.dll");
            return File.Exists(dll) ? dll : throw new FileNotFoundException("Build AgentCloud.AppHost first.", dll);
        }
    }

    /// <summary>Waits for the AppHost's "AgentCloud is up" note (every service healthy); returns the run's processes.</summary>
    public async Task<IReadOnlyList<RunProcess>> WaitUntilUpAsync(TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (!Output.Contains("AgentCloud is up"))
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The AppHost exited with {_process.ExitCode}:\n{Output}");
            }
            if (deadline.Elapsed > timeout)
            {
                throw new TimeoutException($"The AppHost did not bring everything up in {timeout}:\n{Output}");
            }
            await Task.Delay(250);
        }
        return Processes;
    }

    public void Signal(PosixSignal signal) => LocalProcess.Signal(_process.Id, signal);

    /// <summary>kill -9 of the AppHost process alone (not its children).</summary>
    public void Kill() => _process.Kill(entireProcessTree: false);

    /// <summary>
    /// Ctrl+C, as far as this environment allows: a background job of a non-interactive shell (as CI may run us) starts
    /// with SIGINT ignored, the AppHost inherits that, and then only SIGTERM (the same stop path) can reach it.
    /// </summary>
    public static PosixSignal InterruptSignal => SignalIgnoredHere(2) ? PosixSignal.SIGTERM : PosixSignal.SIGINT;

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

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }
        _process.Dispose();
    }
}
