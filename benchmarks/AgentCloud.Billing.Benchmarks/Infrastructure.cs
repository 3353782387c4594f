using AgentCloud.Billing.Infrastructure;
using AgentCloud.EventBus.Outbox;
using AgentCloud.Hosting.Machine;
using AgentCloud.Hosting.Orchestration;
using AgentCloud.ServiceDefaults.Data;
using Npgsql;

namespace AgentCloud.Billing.Benchmarks;

/// <summary>A throw-away PostgreSQL (and redis-server for the HTTP service) from the machine's binaries, on free ports.</summary>
sealed class Infrastructure : IAsyncDisposable
{
    readonly List<ManagedProcess> _processes = [];
    readonly string _folder = Path.Combine(Path.GetTempPath(), $"billing-bench-{Guid.NewGuid():N}"[..26]);

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
        await WaitAsync(() => infrastructure.Postgres.IsReadyAsync(CancellationToken.None));
        await WaitAsync(() => infrastructure.Redis.IsReadyAsync(CancellationToken.None));
        return infrastructure;
    }

    /// <summary>A fresh database with billing's migrations applied (the service's own scripts and the event bus's).</summary>
    public async Task<string> CreateBillingDatabaseAsync(string name)
    {
        await Postgres.CreateDatabaseAsync(name, CancellationToken.None);
        var connectionString = Postgres.ConnectionString(name);
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await new SqlMigrationRunner(dataSource, typeof(BillingDbContext).Assembly).Include(typeof(OutboxMessage).Assembly).ApplyAsync();
        return connectionString;
    }

    static async Task WaitAsync(Func<Task<bool>> ready)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!await ready())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("PostgreSQL or redis-server did not start.");
            }
            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(_processes.Select(p => p.StopAsync(TimeSpan.FromSeconds(5))));
        Directory.Delete(_folder, recursive: true);
    }
}
