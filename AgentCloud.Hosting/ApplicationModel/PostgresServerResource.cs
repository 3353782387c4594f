using AgentCloud.Hosting.Machine;
using AgentCloud.Hosting.Orchestration;

namespace AgentCloud.Hosting.ApplicationModel;

public sealed class PostgresServerResource(string name) : ProcessResource(name)
{
    PostgresCluster? _cluster;

    internal PostgresCluster Cluster => _cluster ?? throw new InvalidOperationException($"{Name} has not been prepared.");

    public List<PostgresDatabaseResource> Databases { get; } = [];

    public override string DisplayUrl => $"postgres://127.0.0.1:{Port}";

    // SIGINT is PostgreSQL's "fast" shutdown; SIGTERM would wait for every client to disconnect.
    public override int StopSignal => Signals.SIGINT;

    internal override Task PrepareAsync(HostingContext context, CancellationToken cancellationToken)
    {
        _cluster = new PostgresCluster(context.StateFolderFor(Name), Port, context.Ephemeral);
        return _cluster.InitializeAsync(context.Report, cancellationToken);
    }

    internal override ManagedProcess Start(HostingContext context, ResourceLog log)
    {
        var (file, args) = Cluster.ServerCommand();
        return ManagedProcess.Start(file, args, log, stopSignal: StopSignal);
    }

    internal override Task<bool> IsReadyAsync(CancellationToken cancellationToken) => Cluster.IsReadyAsync(cancellationToken);

    internal override async Task OnReadyAsync(CancellationToken cancellationToken)
    {
        foreach (var database in Databases)
        {
            await Cluster.CreateDatabaseAsync(database.DatabaseName, cancellationToken);
        }
    }
}

public sealed class PostgresDatabaseResource(string name, string databaseName, PostgresServerResource server) : IResourceWithConnectionString
{
    public string Name => name;

    public string DatabaseName => databaseName;

    public PostgresServerResource Server => server;

    public string ConnectionString => server.Cluster.ConnectionString(databaseName);
}
