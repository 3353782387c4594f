using AgentCloud.Hosting.ApplicationModel;
using AgentCloud.Hosting.Machine;

namespace AgentCloud.Hosting.Orchestration;

/// <summary>Starts every resource once its dependencies are healthy, and stops them in reverse dependency order.</summary>
sealed class Orchestrator
{
    readonly HostingContext _context;
    readonly Dictionary<ProcessResource, ResourceRuntime> _runtimes;
    readonly CancellationTokenSource _stopping = new();
    readonly object _saveLock = new();
    readonly List<Task> _running = [];

    public Orchestrator(IReadOnlyList<ProcessResource> resources, HostingContext context, Action<string, string>? logSink)
    {
        _context = context;
        _runtimes = resources.ToDictionary(r => r, r => new ResourceRuntime(r, context, new ResourceLog(r.Name, logSink), SaveSnapshot));
    }

    public string ResourcesFile => Path.Combine(_context.StateFolder, "resources.json");

    public IReadOnlyList<ResourceSnapshot> Snapshot() => _runtimes.Values.Select(r => r.Snapshot()).ToList();

    public ResourceRuntime Get(string name) =>
        _runtimes.Values.FirstOrDefault(r => r.Resource.Name == name) ?? throw new ArgumentException($"No resource named '{name}'.", nameof(name));

    public async Task StartAsync(Func<string, int?> configuredPort, bool freePorts, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(_context.StateFolder);
        AssignPorts(configuredPort, freePorts);
        SaveSnapshot();

        foreach (var runtime in _runtimes.Values)
        {
            var dependencies = runtime.Resource.WaitsFor.Select(ProcessOf).Select(r => _runtimes[r]).ToList();
            _running.Add(runtime.RunAsync(dependencies, _stopping.Token));
        }

        await Task.WhenAll(_runtimes.Values.Select(r => r.Ready)).WaitAsync(cancellationToken);
    }

    public async Task StopAsync()
    {
        await _stopping.CancelAsync();
        await Task.WhenAll(_running);

        // A resource stops once everything that waits for it has stopped.
        var stopped = new Dictionary<ResourceRuntime, Task>();
        Task StopInOrder(ResourceRuntime runtime)
        {
            if (!stopped.TryGetValue(runtime, out var task))
            {
                var dependents = _runtimes.Values.Where(r => r.Resource.WaitsFor.Select(ProcessOf).Contains(runtime.Resource)).ToList();
                task = Task.WhenAll(dependents.Select(StopInOrder)).ContinueWith(_ => runtime.StopAsync()).Unwrap();
                stopped[runtime] = task;
            }
            return task;
        }
        await Task.WhenAll(_runtimes.Values.Select(StopInOrder));
    }

    void AssignPorts(Func<string, int?> configuredPort, bool freePorts)
    {
        foreach (var resource in _runtimes.Keys)
        {
            var port = freePorts ? 0 : configuredPort(resource.Name) ?? resource.RequestedPort;
            if (port != 0 && !FreePort.IsFree(port))
            {
                throw new InvalidOperationException(
                    $"Port {port} for '{resource.Name}' is in use (is another AppHost running?). Choose another with Ports__{resource.Name}=PORT.");
            }
            resource.Port = port == 0 ? FreePort.Next() : port;
        }
    }

    static ProcessResource ProcessOf(IResource resource) => resource switch
    {
        ProcessResource process => process,
        PostgresDatabaseResource database => database.Server,
        _ => throw new InvalidOperationException($"Cannot wait for '{resource.Name}'."),
    };

    void SaveSnapshot()
    {
        lock (_saveLock)
        {
            if (Directory.Exists(_context.StateFolder))
            {
                ResourceTable.Save(ResourcesFile, Snapshot());
            }
        }
    }
}
