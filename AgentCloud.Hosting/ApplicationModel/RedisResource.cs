using AgentCloud.Hosting.Machine;
using AgentCloud.Hosting.Orchestration;

namespace AgentCloud.Hosting.ApplicationModel;

public sealed class RedisResource(string name) : ProcessResource(name), IResourceWithConnectionString
{
    RedisInstance? _instance;

    RedisInstance Instance => _instance ?? throw new InvalidOperationException($"{Name} has not been prepared.");

    public string ConnectionString => Instance.ConnectionString;

    public override string DisplayUrl => $"redis://127.0.0.1:{Port}";

    internal override Task PrepareAsync(HostingContext context, CancellationToken cancellationToken)
    {
        _instance = new RedisInstance(context.StateFolderFor(Name), Port);
        return _instance.InitializeAsync(context.Report, cancellationToken);
    }

    internal override ManagedProcess Start(HostingContext context, ResourceLog log)
    {
        var (file, args) = Instance.ServerCommand();
        return ManagedProcess.Start(file, args, log, stopSignal: StopSignal);
    }

    internal override Task<bool> IsReadyAsync(CancellationToken cancellationToken) => Instance.IsReadyAsync(cancellationToken);
}
