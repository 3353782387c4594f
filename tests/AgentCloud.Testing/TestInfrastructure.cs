using AgentCloud.LocalServers;
using Npgsql;

namespace AgentCloud.Testing;

/// <summary>
/// One real PostgreSQL (fsync off) and one real redis-server per test process, on free ports in a temp folder, started
/// on first use and stopped when the process exits (the kernel stops them even if it is killed: see LocalProcess).
/// Each test class takes its own database, so classes run in parallel without seeing each other's rows.
/// </summary>
public sealed class TestInfrastructure
{
    static readonly Lazy<Task<TestInfrastructure>> Instance = new(StartAsync);

    readonly LocalProcess _postgres;
    readonly LocalProcess _redis;
    readonly string _serverConnectionString;

    TestInfrastructure(string folder, LocalProcess postgres, string serverConnectionString, LocalProcess redis, int redisPort)
    {
        Folder = folder;
        _postgres = postgres;
        _serverConnectionString = serverConnectionString;
        _redis = redis;
        RedisPort = redisPort;
    }

    public static Task<TestInfrastructure> SharedAsync() => Instance.Value;

    public string Folder { get; }

    public string RedisConnectionString => $"127.0.0.1:{RedisPort}";

    public int RedisPort { get; }

    public string ServerConnectionString => _serverConnectionString;

    /// <summary>A new, empty database with a unique name; returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix)
    {
        var name = $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 13, 63)].ToLowerInvariant();
        await LocalPostgres.CreateDatabaseAsync(_serverConnectionString, name, CancellationToken.None);
        return new NpgsqlConnectionStringBuilder(_serverConnectionString) { Database = name, MaxPoolSize = 50 }.ConnectionString;
    }

    static async Task<TestInfrastructure> StartAsync()
    {
        DeleteFoldersOfEndedRuns();
        var folder = Path.Combine(Path.GetTempPath(), $"{FolderPrefix}{Environment.ProcessId}-{Guid.NewGuid():N}"[..40]);
        Directory.CreateDirectory(folder);
        File.SetUnixFileMode(folder, (UnixFileMode)0b111_001_001);

        LocalRedis.Package.Ensure();
        var postgres = new LocalPostgres(Path.Combine(folder, "postgres"), ephemeral: true);
        postgres.Initialize();

        var (postgresPort, redisPort) = (FreePort.Next(), FreePort.Next());
        var postgresProcess = LocalProcess.Start(postgres.Server(postgresPort.ToString(), diesWithParent: true));
        var redisProcess = LocalProcess.Start(new LocalRedis(Path.Combine(folder, "redis")).Server(redisPort.ToString(), diesWithParent: true));
        var serverConnectionString = LocalPostgres.ConnectionString(postgresPort, postgres.Password());
        var infrastructure = new TestInfrastructure(folder, postgresProcess, serverConnectionString, redisProcess, redisPort);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => infrastructure.Stop();

        await WaitUntil(() => LocalPostgres.IsReadyAsync(serverConnectionString, CancellationToken.None), "PostgreSQL", postgresProcess);
        await WaitUntil(() => LocalRedis.IsReadyAsync(redisPort, CancellationToken.None), "redis-server", redisProcess);
        return infrastructure;
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

    const string FolderPrefix = "agentcloud-tests-";

    /// <summary>
    /// The test host may be ended before its exit handler has deleted the folder (the servers stop all the same): the next
    /// run deletes the folders whose process is gone.
    /// </summary>
    static void DeleteFoldersOfEndedRuns()
    {
        foreach (var folder in Directory.GetDirectories(Path.GetTempPath(), FolderPrefix + "*"))
        {
            var owner = Path.GetFileName(folder)[FolderPrefix.Length..].Split('-')[0];
            if (int.TryParse(owner, out var pid) && !Directory.Exists($"/proc/{pid}"))
            {
                try
                {
                    Directory.Delete(folder, recursive: true);
                }
                catch (IOException)
                {
                    // another test process got there first
                }
            }
        }
    }

    void Stop()
    {
        Task.WhenAll(_postgres.StopAsync(TimeSpan.FromSeconds(5)), _redis.StopAsync(TimeSpan.FromSeconds(5)))
            .Wait(TimeSpan.FromSeconds(10));
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
