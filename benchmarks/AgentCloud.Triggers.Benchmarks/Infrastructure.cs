using AgentCloud.EventBus.Outbox;
using AgentCloud.Hosting.Machine;
using AgentCloud.Hosting.Orchestration;
using AgentCloud.ServiceDefaults.Data;
using AgentCloud.Triggers.Infrastructure;
using Npgsql;

namespace AgentCloud.Triggers.Benchmarks;

/// <summary>A throw-away PostgreSQL and redis-server from the machine's binaries, on free ports.</summary>
sealed class Infrastructure : IAsyncDisposable
{
    readonly List<ManagedProcess> _processes = [];
    readonly string _folder = Path.Combine(Path.GetTempPath(), $"triggers-bench-{Guid.NewGuid():N}"[..27]);

    public PostgresCluster Postgres { get; private set; } = null!;

    public RedisInstance Redis { get; private set; } = null!;

    public static async Task<Infrastructure> StartAsync(bool durable)
    {
        var infrastructure = new Infrastructure();
        Directory.CreateDirectory(infrastructure._folder);
        File.SetUnixFileMode(infrastructure._folder, (UnixFileMode)0b111_001_001);
        infrastructure.Postgres = new PostgresCluster(Path.Combine(infrastructure._folder, "postgres"), FreePort.Next(), ephemeral: !durable);
        infrastructure.Redis = new RedisInstance(Path.Combine(infrastructure._folder, "redis"), FreePort.Next());
        await infrastructure.Postgres.InitializeAsync(Console.WriteLine, CancellationToken.None);
        await infrastructure.Redis.InitializeAsync(Console.WriteLine, CancellationToken.None);
        var (pgFile, pgArgs) = infrastructure.Postgres.ServerCommand();
        infrastructure._processes.Add(ManagedProcess.Start(pgFile, pgArgs, new ResourceLog("postgres", null), stopSignal: Signals.SIGINT));
        var (redisFile, redisArgs) = infrastructure.Redis.ServerCommand();
        infrastructure._processes.Add(ManagedProcess.Start(redisFile, redisArgs, new ResourceLog("redis", null)));
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!await infrastructure.Postgres.IsReadyAsync(CancellationToken.None) || !await infrastructure.Redis.IsReadyAsync(CancellationToken.None))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("PostgreSQL or redis-server did not start.");
            }
            await Task.Delay(50);
        }
        return infrastructure;
    }

    /// <summary>A fresh database with the triggers service's migrations (its own scripts and the event bus's).</summary>
    public async Task<string> CreateTriggersDatabaseAsync(string name)
    {
        await Postgres.CreateDatabaseAsync(name, CancellationToken.None);
        var connectionString = new NpgsqlConnectionStringBuilder(Postgres.ConnectionString(name)) { MaxPoolSize = 40 }.ConnectionString;
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await new SqlMigrationRunner(dataSource, typeof(TriggersDbContext).Assembly).Include(typeof(OutboxMessage).Assembly).ApplyAsync();
        return connectionString;
    }

    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(_processes.Select(p => p.StopAsync(TimeSpan.FromSeconds(5))));
        Directory.Delete(_folder, recursive: true);
    }
}
