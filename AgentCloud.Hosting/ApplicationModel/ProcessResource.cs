using AgentCloud.Hosting.Machine;
using AgentCloud.Hosting.Orchestration;

namespace AgentCloud.Hosting.ApplicationModel;

/// <summary>A resource the orchestrator runs as a process: started, waited for, supervised and stopped.</summary>
public abstract class ProcessResource(string name) : IResource
{
    public string Name => name;

    /// <summary>The port asked for in the topology; 0 means any free port.</summary>
    public int RequestedPort { get; set; }

    public int Port { get; internal set; }

    public List<IResource> WaitsFor { get; } = [];

    public Dictionary<string, Func<string>> Environment { get; } = [];

    public abstract string DisplayUrl { get; }

    public virtual int StopSignal => Signals.SIGTERM;

    /// <summary>One-time work before the first start (install a binary, initialise a data folder).</summary>
    internal virtual Task PrepareAsync(HostingContext context, CancellationToken cancellationToken) => Task.CompletedTask;

    internal abstract ManagedProcess Start(HostingContext context, ResourceLog log);

    internal abstract Task<bool> IsReadyAsync(CancellationToken cancellationToken);

    /// <summary>Work after each start once the resource answers (e.g. create databases).</summary>
    internal virtual Task OnReadyAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
