using AgentCloud.EventBus.Outbox;
using AgentCloud.LocalServers;
using AgentCloud.ServiceDefaults.Data;
using AgentCloud.Triggers.Infrastructure;
using Npgsql;

namespace AgentCloud.Triggers.Benchmarks;

/// <summary>A throw-away PostgreSQL and redis-server from the machine's binaries, on free ports.</summary>
static class Infrastructure
{
    public static Task<ThrowAwayServers> StartAsync(bool durable) =>
        ThrowAwayServers.StartAsync(Path.Combine(Path.GetTempPath(), $"triggers-bench-{Guid.NewGuid():N}"[..27]), durable);

    /// <summary>A fresh database with the triggers service's migrations (its own scripts and the event bus's).</summary>
    public static async Task<string> CreateTriggersDatabaseAsync(this ThrowAwayServers servers, string name)
    {
        var connectionString = await servers.CreateDatabaseAsync(name, maxPoolSize: 40);
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await new SqlMigrationRunner(dataSource, typeof(TriggersDbContext).Assembly).Include(typeof(OutboxMessage).Assembly).ApplyAsync();
        return connectionString;
    }
}
