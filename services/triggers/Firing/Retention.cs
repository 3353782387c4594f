using AgentCloud.Triggers.Extensions;
using AgentCloud.Triggers.Infrastructure;
using AgentCloud.Triggers.Scheduling;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AgentCloud.Triggers.Firing;

/// <summary>
/// Keeps the tables as long as the settings say and no longer: event-log entries older than
/// <see cref="TriggersSettings.EventRetention"/>, and polled items not seen in their source for
/// <see cref="TriggersSettings.SeenItemRetention"/> (an item still in the source is seen again at every poll, so it is
/// never forgotten while a poll could return it). Every <see cref="TriggersSettings.RetentionInterval"/>, in batches so
/// no statement holds its locks long; replicas may sweep at once (a row is deleted once).
/// </summary>
public sealed partial class Retention(
    IServiceScopeFactory scopes, [FromKeyedServices(Clock.Key)] TimeProvider time, IOptions<TriggersSettings> settings, ILogger<Retention> logger)
    : BackgroundService
{
    const int BatchSize = 10_000;

    public async Task<(int Events, int SeenItems)> SweepAsync(CancellationToken cancellationToken)
    {
        var now = time.Now();
        var (eventsBefore, seenBefore) = (now - settings.Value.EventRetention, now - settings.Value.SeenItemRetention);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TriggersDbContext>();
        var events = await InBatchesAsync(() => db.Database.ExecuteSqlAsync($"""
            DELETE FROM trigger_events WHERE ctid = ANY (ARRAY(
                SELECT ctid FROM trigger_events WHERE fired_at < {eventsBefore} LIMIT {BatchSize}))
            """, cancellationToken));
        var seen = await InBatchesAsync(() => db.Database.ExecuteSqlAsync($"""
            DELETE FROM listener_seen_items WHERE ctid = ANY (ARRAY(
                SELECT ctid FROM listener_seen_items WHERE last_seen_at < {seenBefore} LIMIT {BatchSize}))
            """, cancellationToken));
        if (events + seen > 0)
        {
            LogSwept(events, seen);
        }
        return (events, seen);
    }

    static async Task<int> InBatchesAsync(Func<Task<int>> deleteBatch)
    {
        var total = 0;
        int deleted;
        do
        {
            total += deleted = await deleteBatch();
        }
        while (deleted == BatchSize);
        return total;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var every = new PeriodicTimer(settings.Value.RetentionInterval, time);
        do
        {
            try
            {
                await SweepAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogFailed(e);
            }
        }
        while (await every.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(LogLevel.Information, "Retention: deleted {Events} event-log entries and {SeenItems} seen items")]
    partial void LogSwept(int events, int seenItems);

    [LoggerMessage(LogLevel.Warning, "Retention sweep failed; trying again at the next interval")]
    partial void LogFailed(Exception e);
}
