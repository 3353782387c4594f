using AgentCloud.EventBus.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace AgentCloud.EventBus.Outbox;

/// <summary>
/// Publishes committed outbox rows in order of creation and marks them published. Rows are locked with
/// <c>FOR UPDATE SKIP LOCKED</c>, so replicas relay disjoint rows. A crash after publishing but before marking publishes
/// the row again after restart: consumers' inboxes drop the duplicate (same event id).
/// </summary>
sealed partial class OutboxRelay<TContext>(
    IServiceScopeFactory scopes, IEventTransport transport, OutboxSignal signal,
    IOptions<EventBusOptions> options, ILogger<OutboxRelay<TContext>> logger) : BackgroundService
    where TContext : DbContext
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var nextCleanup = DateTimeOffset.UtcNow;
        while (!stoppingToken.IsCancellationRequested)
        {
            int relayed;
            try
            {
                relayed = await RelayBatchAsync(stoppingToken);
                if (DateTimeOffset.UtcNow >= nextCleanup)
                {
                    await CleanupAsync(stoppingToken);
                    nextCleanup = DateTimeOffset.UtcNow + options.Value.CleanupInterval;
                }
            }
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException or HttpRequestException or StackExchange.Redis.RedisException or TimeoutException)
            {
                LogRelayFailed(e);
                relayed = 0;
            }
            if (relayed < options.Value.OutboxBatchSize)
            {
                await signal.WaitAsync(options.Value.OutboxPollInterval, stoppingToken);
            }
        }
    }

    public async Task<int> RelayBatchAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var batch = await db.Set<OutboxMessage>()
            .FromSql($"""
                SELECT * FROM event_bus_outbox WHERE published_at IS NULL
                ORDER BY created_at LIMIT {options.Value.OutboxBatchSize} FOR UPDATE SKIP LOCKED
                """)
            .AsNoTracking()
            .ToListAsync(cancellationToken);
        if (batch.Count == 0)
        {
            return 0;
        }
        // The whole batch at once, each row in the envelope every event of this service has (its source: this service).
        await transport.PublishAsync([.. batch.Select(m => m.ToCloudEvent(options.Value.AppId))], cancellationToken);
        var ids = batch.Select(m => m.Id).ToArray();
        await db.Database.ExecuteSqlAsync(
            $"UPDATE event_bus_outbox SET published_at = now(), attempts = attempts + 1 WHERE id = ANY({ids})", cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return batch.Count;
    }

    /// <summary>Deletes published outbox rows and old inbox rows past their retention.</summary>
    public async Task CleanupAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        var outboxBefore = DateTimeOffset.UtcNow - options.Value.OutboxRetention;
        var inboxBefore = DateTimeOffset.UtcNow - options.Value.InboxRetention;
        var outbox = await db.Database.ExecuteSqlAsync(
            $"DELETE FROM event_bus_outbox WHERE published_at IS NOT NULL AND published_at < {outboxBefore}", cancellationToken);
        var inbox = await db.Database.ExecuteSqlAsync($"DELETE FROM event_bus_inbox WHERE processed_at < {inboxBefore}", cancellationToken);
        if (outbox + inbox > 0)
        {
            LogCleanedUp(outbox, inbox);
        }
    }

    [LoggerMessage(LogLevel.Information, "Deleted {Outbox} published outbox rows and {Inbox} inbox rows past retention")]
    partial void LogCleanedUp(int outbox, int inbox);

    [LoggerMessage(LogLevel.Warning, "Outbox relay failed; retrying after the poll interval")]
    partial void LogRelayFailed(Exception exception);
}
