using AgentCloud.Billing.Infrastructure;
using AgentCloud.EventBus.Outbox;
using AgentCloud.LocalServers;
using AgentCloud.ServiceDefaults.Data;
using Npgsql;

namespace AgentCloud.Billing.Benchmarks;

/// <summary>A throw-away PostgreSQL (and redis-server for the HTTP service) from the machine's binaries, on free ports.</summary>
static class Infrastructure
{
    public static Task<ThrowAwayServers> StartAsync(bool durable) =>
        ThrowAwayServers.StartAsync(Path.Combine(Path.GetTempPath(), $"billing-bench-{Guid.NewGuid():N}"[..26]), durable);

    /// <summary>A fresh database with billing's migrations applied (the service's own scripts and the event bus's).</summary>
    public static async Task<string> CreateBillingDatabaseAsync(this ThrowAwayServers servers, string name)
    {
        var connectionString = await servers.CreateDatabaseAsync(name);
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await new SqlMigrationRunner(dataSource, typeof(BillingDbContext).Assembly).Include(typeof(OutboxMessage).Assembly).ApplyAsync();
        return connectionString;
    }
}
