using AgentCloud.Hosting.Machine;
using AgentCloud.Hosting.Orchestration;
using Npgsql;

namespace AgentCloud.Testing;

/// <summary>
/// One real PostgreSQL (fsync off) and one real redis-server per test process, on free ports in a temp folder, started
/// on first use and stopped when the process exits (the orphan guard stops them even if it crashes). Each test class
/// takes its own database, so classes run in parallel without seeing each other's rows.
/// </summary>
public sealed class TestInfrastructure
{
    static readonly Lazy<Task<TestInfrastructure>> Instance = new(StartAsync);

    readonly PostgresCluster _postgres;
    readonly RedisInstance _redis;
    readonly List<ManagedProcess> _processes;

    TestInfrastructure(PostgresCluster postgres, RedisInstance redis, List<ManagedProcess> processes, string folder)
    {
        _postgres = postgres;
        _redis = redis;
        _processes = processes;
        Folder = folder;
    }

    public static Task<TestInfrastructure> SharedAsync() => Instance.Value;

    public string Folder { get; }

    public string RedisConnectionString => _redis.ConnectionString;

    public int RedisPort => _redis.Port;

    public ResourceLog PostgresLog { get; } = new("postgres", null);

    public ResourceLog RedisLog { get; } = new("redis", null);

    public string ServerConnectionString => _postgres.ConnectionString();

    /// <summary>A new, empty database with a unique name; returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix)
    {
        var name = $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 13, 63)].ToLowerInvariant();
        await _postgres.CreateDatabaseAsync(name, CancellationToken.None);
        return new NpgsqlConnectionStringBuilder(_postgres.ConnectionString(name)) { MaxPoolSize = 50 }.ConnectionString;
    }

    static async Task<TestInfrastructure> StartAsync()
    {
        var folder = Path.Combine(Path.GetTempPath(), $"agentcloud-tests-{Guid.NewGuid():N}"[..30]);
        Directory.CreateDirectory(folder);
        File.SetUnixFileMode(folder, (UnixFileMode)0b111_001_001);

        var postgres = new PostgresCluster(Path.Combine(folder, "postgres"), FreePort.Next(), ephemeral: true);
        var redis = new RedisInstance(Path.Combine(folder, "redis"), FreePort.Next());
        await Task.WhenAll(
            postgres.InitializeAsync(Console.WriteLine, CancellationToken.None),
            redis.InitializeAsync(Console.WriteLine, CancellationToken.None));

        var processes = new List<ManagedProcess>();
        var infrastructure = new TestInfrastructure(postgres, redis, processes, folder);
        var (pgFile, pgArgs) = postgres.ServerCommand();
        processes.Add(ManagedProcess.Start(pgFile, pgArgs, infrastructure.PostgresLog, stopSignal: Signals.SIGINT));
        var (redisFile, redisArgs) = redis.ServerCommand();
        processes.Add(ManagedProcess.Start(redisFile, redisArgs, infrastructure.RedisLog));
        AppDomain.CurrentDomain.ProcessExit += (_, _) => infrastructure.Stop();

        await WaitUntil(() => postgres.IsReadyAsync(CancellationToken.None), "PostgreSQL", infrastructure.PostgresLog);
        await WaitUntil(() => redis.IsReadyAsync(CancellationToken.None), "redis-server", infrastructure.RedisLog);
        return infrastructure;
    }

    static async Task WaitUntil(Func<Task<bool>> ready, string what, ResourceLog log)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!await ready())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{what} did not start:\n{string.Join('\n', log.Recent())}");
            }
            await Task.Delay(50);
        }
    }

    void Stop()
    {
        Task.WhenAll(_processes.Select(p => p.StopAsync(TimeSpan.FromSeconds(5)))).Wait(TimeSpan.FromSeconds(10));
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
