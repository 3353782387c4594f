using AgentCloud.EventBus.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AgentCloud.EventBus.Outbox;

/// <summary>
/// Records the event id and runs the handlers in one transaction on the scope's <typeparamref name="TContext"/>, which
/// the handlers share: their changes commit with the inbox row, or neither does. A concurrent duplicate blocks on the
/// primary key until the first commits, then finds the row and skips.
/// </summary>
sealed class EfInbox<TContext> : IInbox where TContext : DbContext
{
    public async Task<bool> RunOnceAsync(IServiceProvider scope, string consumer, string eventId, Func<Task> handle, CancellationToken cancellationToken)
    {
        var db = scope.GetRequiredService<TContext>();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var inserted = await db.Database.ExecuteSqlAsync(
            $"INSERT INTO event_bus_inbox (consumer, event_id) VALUES ({consumer}, {eventId}) ON CONFLICT DO NOTHING", cancellationToken);
        if (inserted == 0)
        {
            return false;
        }
        await handle();
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }
}
