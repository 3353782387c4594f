using Npgsql;

namespace AgentCloud.LocalServers;

/// <summary>
/// A PostgreSQL and a redis-server of their own, in a fresh folder on free ports, for the test fixtures and the
/// benchmarks: started here (so they never outlive this process, see <see cref="LocalProcess"/>), deleted on dispose.
/// <paramref name="durable"/> = fsync and synchronous_commit on, as the AppHost runs PostgreSQL; off is faster.
/// </summary>
public sealed class ThrowAwayServers : IAsyncDisposable
{
    readonly LocalProcess _postgres;
    readonly LocalProcess _redis;

    ThrowAwayServers(string folder, LocalProcess postgres, int postgresPort, string password, LocalProcess redis, int redisPort)
    {
        Folder = folder;
        _postgres = postgres;
        PostgresPort = postgresPort;
        Password = password;
        _redis = redis;
        RedisPort = redisPort;
    }

    public string Folder { get; }

    public int PostgresPort { get; }

    public string Password { get; }

    public int RedisPort { get; }

    public string RedisConnectionString => $"127.0.0.1:{RedisPort}";

    /// <summary>The connection string of <paramref name="database"/> (the server's own <c>postgres</c> by default).</summary>
    public string ConnectionString(string database = "postgres") => LocalPostgres.ConnectionString(PostgresPort, Password, database);

    /// <summary>Creates <paramref name="database"/> and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string database, int maxPoolSize = 50)
    {
        await LocalPostgres.CreateDatabaseAsync(ConnectionString(), database, CancellationToken.None);
        return new NpgsqlConnectionStringBuilder(ConnectionString(database)) { MaxPoolSize = maxPoolSize }.ConnectionString;
    }

    /// <summary>Starts both in <paramref name="folder"/> (created, mode 0711 so the postgres user can pass) and waits until they answer.</summary>
    public static async Task<ThrowAwayServers> StartAsync(string folder, bool durable = false)
    {
        Directory.CreateDirectory(folder);
        File.SetUnixFileMode(folder, (UnixFileMode)0b111_001_001);
        LocalRedis.Package.Ensure();
        var postgres = new LocalPostgres(Path.Combine(folder, "postgres"), ephemeral: !durable);
        postgres.Initialize();

        var (postgresPort, redisPort) = (FreePort.Next(), FreePort.Next());
        var servers = new ThrowAwayServers(folder,
            LocalProcess.Start(postgres.Server(postgresPort.ToString(), diesWithParent: true)), postgresPort, postgres.Password(),
            LocalProcess.Start(new LocalRedis(Path.Combine(folder, "redis")).Server(redisPort.ToString(), diesWithParent: true)), redisPort);
        await WaitUntil(() => LocalPostgres.IsReadyAsync(servers.ConnectionString(), CancellationToken.None), "PostgreSQL", servers._postgres);
        await WaitUntil(() => LocalRedis.IsReadyAsync(redisPort, CancellationToken.None), "redis-server", servers._redis);
        return servers;
    }

    static async Task WaitUntil(Func<Task<bool>> ready, string what, LocalProcess process)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!await ready())
        {
            if (DateTime.UtcNow > deadline || process.Exited.IsCompleted)
            {
                throw new InvalidOperationException($"{what} did not start:\n{process.RecentOutput}");
            }
            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(_postgres.StopAsync(TimeSpan.FromSeconds(5)), _redis.StopAsync(TimeSpan.FromSeconds(5)));
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException e)
        {
            Console.Error.WriteLine($"Could not delete {Folder}: {e.Message}");
        }
    }
}
