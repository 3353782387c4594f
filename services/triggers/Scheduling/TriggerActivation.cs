using AgentCloud.Triggers.Infrastructure;
using AgentCloud.Triggers.Model;
using AgentCloud.Triggers.Systems;
using Microsoft.EntityFrameworkCore;

namespace AgentCloud.Triggers.Scheduling;

/// <summary>
/// Keeps a trigger's timer schedule and polling listener in step with the trigger, inside the transaction that
/// creates, changes or deletes it. Removing a schedule row waits for a scheduler that has it claimed, so once a
/// deactivation or delete has committed the trigger does not fire again.
/// </summary>
public static class TriggerActivation
{
    /// <param name="restart">The schedule starts again from <paramref name="now"/> (new, re-activated or new options);
    /// otherwise an existing next tick stays.</param>
    public static async Task SyncAsync(
        TriggersDbContext db, Trigger trigger, SystemOptions options, string? previousListenerKey, bool restart, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        if (options is TimerOptions timer)
        {
            await SyncScheduleAsync(db, trigger, timer, restart, now, cancellationToken);
        }
        trigger.ListenerKey = options is PolledOptions polled ? polled.ListenerKey(trigger.TenantId, trigger.CredentialId) : null;
        if (trigger.ListenerKey is { } key && trigger.Active)
        {
            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO listeners (key, tenant_id, system, credential_id, next_poll_at)
                VALUES ({key}, {trigger.TenantId}, {trigger.System}, {trigger.CredentialId}, {now})
                ON CONFLICT (key) DO NOTHING
                """, cancellationToken);
        }
        if (previousListenerKey is not null && previousListenerKey != trigger.ListenerKey)
        {
            await ForgetListenerIfUnusedAsync(db, previousListenerKey, trigger.Id, cancellationToken);
        }
    }

    /// <summary>Deletes a listener no other trigger uses (its seen items go with it).</summary>
    public static Task ForgetListenerIfUnusedAsync(TriggersDbContext db, string key, Guid leaving, CancellationToken cancellationToken) =>
        db.Database.ExecuteSqlAsync($"""
            DELETE FROM listeners WHERE key = {key}
              AND NOT EXISTS (SELECT 1 FROM triggers WHERE listener_key = {key} AND id <> {leaving})
            """, cancellationToken);

    static async Task SyncScheduleAsync(
        TriggersDbContext db, Trigger trigger, TimerOptions timer, bool restart, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var schedule = await db.TimerSchedules.SingleOrDefaultAsync(s => s.TriggerId == trigger.Id, cancellationToken);
        if (!trigger.Active || trigger.CompletedAt is not null)
        {
            if (schedule is not null)
            {
                db.TimerSchedules.Remove(schedule);
            }
            return;
        }
        if (schedule is not null && !restart)
        {
            schedule.Version = trigger.Version;
            return;
        }
        if (timer.FirstTick(now) is not { } first)
        {
            return;
        }
        if (schedule is null)
        {
            db.TimerSchedules.Add(new TimerSchedule { TriggerId = trigger.Id, NextFireAt = first, Version = trigger.Version });
        }
        else
        {
            (schedule.NextFireAt, schedule.Version) = (first, trigger.Version);
        }
    }
}
