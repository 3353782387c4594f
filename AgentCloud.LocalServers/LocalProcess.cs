using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace AgentCloud.LocalServers;

/// <summary>
/// A server run directly by this process (test fixtures, benchmarks; DCP runs the AppHost's), which never outlives it.
/// Servers are started from one thread that lives as long as the process, with a parent-death signal (setpriv
/// --pdeathsig): the kernel signals them when that thread ends, so even kill -9 of this process stops them.
/// <see cref="StopAsync"/> stops one gracefully before that.
/// </summary>
public sealed partial class LocalProcess
{
    static readonly BlockingCollection<Action> StartRequests = [];
    static readonly Lazy<Thread> Starter = new(() =>
    {
        var thread = new Thread(() =>
        {
            foreach (var start in StartRequests.GetConsumingEnumerable())
            {
                start();
            }
        }) { IsBackground = true, Name = "local-servers" };
        thread.Start();
        return thread;
    });

    readonly Process _process;
    readonly PosixSignal _stopSignal;
    readonly ConcurrentQueue<string> _output = new();

    LocalProcess(Process process, PosixSignal stopSignal)
    {
        _process = process;
        _stopSignal = stopSignal;
        Exited = process.WaitForExitAsync();
    }

    public int Pid => _process.Id;

    public Task Exited { get; }

    /// <summary>The latest lines it wrote, for a failure message.</summary>
    public string RecentOutput => string.Join('\n', _output);

    /// <param name="command">Built with <c>diesWithParent: true</c>.</param>
    public static LocalProcess Start(ServerCommand command)
    {
        if (!command.DiesWithParent)
        {
            throw new ArgumentException("A local server needs a parent-death signal, or it could outlive this process.", nameof(command));
        }
        var started = new TaskCompletionSource<LocalProcess>();
        _ = Starter.Value;
        StartRequests.Add(() =>
        {
            try
            {
                var process = new Process { StartInfo = StartInfo(command), EnableRaisingEvents = true };
                process.Start();
                // Only now: WaitForExitAsync of a process not yet started is a faulted task, which read as "exited".
                var local = new LocalProcess(process, command.StopSignal);
                process.OutputDataReceived += (_, e) => local.Keep(e.Data);
                process.ErrorDataReceived += (_, e) => local.Keep(e.Data);
                process.BeginOutputReadLine();
                process.BeginErrorReadLine();
                started.SetResult(local);
            }
            catch (Exception e)
            {
                started.SetException(e);
            }
        });
        return started.Task.GetAwaiter().GetResult();
    }

    /// <summary>Sends the server's stop signal, then kills it after the grace period.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (_process.HasExited)
        {
            return;
        }
        Signal(Pid, _stopSignal);
        if (await Task.WhenAny(Exited, Task.Delay(grace)) != Exited)
        {
            _process.Kill();
            await Exited;
        }
    }

    /// <summary>Runs a short command to completion: its exit code and combined output.</summary>
    public static (int ExitCode, string Output) Run(ServerCommand command)
    {
        using var process = Process.Start(StartInfo(command))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    static ProcessStartInfo StartInfo(ServerCommand command)
    {
        var start = new ProcessStartInfo(command.File) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in command.Arguments)
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment["LC_ALL"] = "C";
        return start;
    }

    /// <summary>kill(2) with a stop signal (.NET's Process.Kill only sends SIGKILL).</summary>
    public static void Signal(int pid, PosixSignal signal) =>
        _ = kill(pid, signal switch
        {
            PosixSignal.SIGINT => 2,
            PosixSignal.SIGTERM => 15,
            _ => throw new ArgumentOutOfRangeException(nameof(signal), signal, "not a stop signal"),
        });

    [LibraryImport("libc", SetLastError = true)]
    private static partial int kill(int pid, int sig);

    void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }
        _output.Enqueue(line);
        while (_output.Count > 200 && _output.TryDequeue(out _))
        {
        }
    }
}
