using AgentCloud.LocalServers;

namespace AgentCloud.Testing;

/// <summary>
/// One real PostgreSQL (fsync off) and one real redis-server per test process, on free ports in a temp folder, started
/// on first use and stopped when the process exits (the kernel stops them even if it is killed: see LocalProcess).
/// Each test class takes its own database, so classes run in parallel without seeing each other's rows.
/// </summary>
public sealed class TestInfrastructure
{
    static readonly Lazy<Task<TestInfrastructure>> Instance = new(StartAsync);

    readonly ThrowAwayServers _servers;

    TestInfrastructure(ThrowAwayServers servers) => _servers = servers;

    public static Task<TestInfrastructure> SharedAsync() => Instance.Value;

    public string Folder => _servers.Folder;

    public string RedisConnectionString => _servers.RedisConnectionString;

    public int RedisPort => _servers.RedisPort;

    public string ServerConnectionString => _servers.ConnectionString();

    /// <summary>A new, empty database with a unique name; returns its connection string.</summary>
    public Task<string> CreateDatabaseAsync(string prefix) =>
        _servers.CreateDatabaseAsync($"{prefix}_{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 13, 63)].ToLowerInvariant());

    static async Task<TestInfrastructure> StartAsync()
    {
        DeleteFoldersOfEndedRuns();
        var servers = await ThrowAwayServers.StartAsync(
            Path.Combine(Path.GetTempPath(), $"{FolderPrefix}{Environment.ProcessId}-{Guid.NewGuid():N}"[..40]));
        AppDomain.CurrentDomain.ProcessExit += (_, _) => servers.DisposeAsync().AsTask().Wait(TimeSpan.FromSeconds(10));
        return new TestInfrastructure(servers);
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
}
