using AgentCloud.Billing.Infrastructure;
using AgentCloud.EventBus.Outbox;
using AgentCloud.LocalServers;
using AgentCloud.ServiceDefaults.Data;
using Npgsql;

namespace AgentCloud.Billing.Benchmarks;

/// <summary>A throw-away PostgreSQL (and redis-server for the HTTP service) from the machine's binaries, on free ports.</summary>
sealed class Infrastructure : IAsyncDisposable
{
    readonly string _folder = Path.Combine(Path.GetTempPath(), $"billing-bench-{Guid.NewGuid():N}"[..26]);
    LocalProcess _postgres = null!;
    LocalProcess _redis = null!;

    public int PostgresPort { get; } = FreePort.Next();

    public string PostgresPassword { get; private set; } = "";

    public string RedisConnectionString { get; private set; } = "";

    public static async Task<Infrastructure> StartAsync(bool durable)
    {
        var infrastructure = new Infrastructure();
        Directory.CreateDirectory(infrastructure._folder);
        File.SetUnixFileMode(infrastructure._folder, (UnixFileMode)0b111_001_001);
        var postgres = new LocalPostgres(Path.Combine(infrastructure._folder, "postgres"), ephemeral: !durable);
        postgres.Initialize();
        infrastructure.PostgresPassword = postgres.Password();
        infrastructure._postgres = LocalProcess.Start(postgres.Server(infrastructure.PostgresPort.ToString(), diesWithParent: true));

        LocalRedis.Package.Ensure();
        var redisPort = FreePort.Next();
        infrastructure._redis = LocalProcess.Start(new LocalRedis(Path.Combine(infrastructure._folder, "redis")).Server(redisPort.ToString(), diesWithParent: true));
        infrastructure.RedisConnectionString = $"127.0.0.1:{redisPort}";

        await WaitAsync(() => LocalPostgres.IsReadyAsync(infrastructure.ConnectionString("postgres"), CancellationToken.None));
        await WaitAsync(() => LocalRedis.IsReadyAsync(redisPort, CancellationToken.None));
        return infrastructure;
    }

    public string ConnectionString(string database) => LocalPostgres.ConnectionString(PostgresPort, PostgresPassword, database);

    /// <summary>A fresh database with billing's migrations applied (the service's own scripts and the event bus's).</summary>
    public async Task<string> CreateBillingDatabaseAsync(string name)
    {
        await LocalPostgres.CreateDatabaseAsync(ConnectionString("postgres"), name, CancellationToken.None);
        var connectionString = ConnectionString(name);
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
        await Task.WhenAll(_postgres.StopAsync(TimeSpan.FromSeconds(5)), _redis.StopAsync(TimeSpan.FromSeconds(5)));
        Directory.Delete(_folder, recursive: true);
    }
}
