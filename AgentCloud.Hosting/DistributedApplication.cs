using System.Runtime.InteropServices;
using AgentCloud.Hosting.ApplicationModel;
using AgentCloud.Hosting.Orchestration;
using AgentCloud.Hosting.Testing;

namespace AgentCloud.Hosting;

/// <summary>The running system: our stand-in for Aspire's DistributedApplication.</summary>
public sealed class DistributedApplication : IAsyncDisposable
{
    readonly DistributedApplicationBuilder _builder;
    readonly Orchestrator _orchestrator;
    readonly ConsoleLog? _console;
    bool _started;

    internal DistributedApplication(DistributedApplicationBuilder builder)
    {
        _builder = builder;
        _console = builder.Testing is null ? new ConsoleLog() : null;
        Context = new HostingContext(builder.ResolveStateFolder(), builder.EnvironmentName, ephemeral: builder.Testing is not null,
            report: message => Report(message));
        _orchestrator = new Orchestrator(builder.Resources.OfType<ProcessResource>().ToList(), Context, _console is null ? null : _console.Write);
    }

    public HostingContext Context { get; }

    public static DistributedApplicationBuilder CreateBuilder(string[] args) => new(args, TestingSession.Current);

    public IReadOnlyList<ResourceSnapshot> Resources => _orchestrator.Snapshot();

    public void Run()
    {
        if (_builder.Testing is { } testing)
        {
            // Under the testing entry point, the test takes the application and starts it itself.
            testing.Application = this;
            return;
        }
        RunAsync().GetAwaiter().GetResult();
    }

    public async Task RunAsync()
    {
        using var shutdown = new CancellationTokenSource();
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        void OnSignal(PosixSignalContext signal)
        {
            signal.Cancel = true;
            if (shutdown.IsCancellationRequested)
            {
                Report("Second signal: exiting now.");
                Environment.Exit(130);
            }
            Report("Stopping (Ctrl+C again to force)...");
            shutdown.Cancel();
        }

        var started = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            await StartAsync(shutdown.Token);
            Report($"All {Resources.Count} resources healthy in {started.Elapsed.TotalSeconds:0.0}s. State: {Context.StateFolder}");
            _console!.WriteBlock(ResourceTable.Format(Resources) + Banner);
            await Task.Delay(Timeout.Infinite, shutdown.Token).ContinueWith(_ => { });
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Report($"Start-up failed: {e.Message}");
            _console!.WriteBlock(ResourceTable.Format(Resources));
            Environment.ExitCode = 1;
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            await StopAsync();
            Report("Stopped.");
        }
    }

    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        _started = true;
        Directory.CreateDirectory(Context.StateFolder);
        Context.SharedEnvironment["Secrets__File"] = Machine.LocalSecretsFile.CreateIfMissing(Path.Combine(Context.StateFolder, "secrets.json"));
        var testing = _builder.Testing is not null;
        await _orchestrator.StartAsync(
            name => int.TryParse(_builder.Configuration[$"Ports:{name}"], out var port) ? port : null,
            freePorts: testing,
            cancellationToken);
    }

    public Task StopAsync() => _started ? _orchestrator.StopAsync() : Task.CompletedTask;

    public string GetEndpoint(string resourceName) =>
        Find<IResourceWithEndpoint>(resourceName).Url;

    public string GetConnectionString(string resourceName) =>
        Find<IResourceWithConnectionString>(resourceName).ConnectionString;

    public HttpClient CreateHttpClient(string resourceName) => new() { BaseAddress = new Uri(GetEndpoint(resourceName)) };

    public IReadOnlyList<string> GetLogs(string resourceName) => _orchestrator.Get(resourceName).Log.Recent();

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        if (_builder.Testing is { DeleteStateFolder: true })
        {
            TestingSession.DeleteFolder(Context.StateFolder);
        }
    }

    T Find<T>(string name) where T : IResource =>
        _builder.Resources.OfType<T>().FirstOrDefault(r => r.Name == name)
        ?? throw new ArgumentException($"No resource '{name}' of kind {typeof(T).Name}.", nameof(name));

    void Report(string message)
    {
        if (_console is not null)
        {
            _console.Write("apphost", message);
        }
        else
        {
            _builder.Testing?.Log.Write(message);
        }
    }

    string Banner
    {
        get
        {
            var web = _builder.Resources.OfType<ProjectResource>().FirstOrDefault(r => r.Name == "web");
            var notes = string.Concat(_builder.StartupNotes.Select(n => "\n" + string.Join('\n', n.Split('\n').Select(l => "  " + l)) + "\n"));
            return (web is null ? "" : $"\n  Open {web.Url} (Ctrl+C stops everything)\n") + notes;
        }
    }
}
