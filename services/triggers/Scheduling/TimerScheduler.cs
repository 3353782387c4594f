using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgentCloud.Contracts.Triggers;
using AgentCloud.Triggers.Extensions;
using AgentCloud.Triggers.Firing;
using AgentCloud.Triggers.Infrastructure;
using AgentCloud.Triggers.Model;
using AgentCloud.Triggers.Systems;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace AgentCloud.Triggers.Scheduling;

/// <summary>
/// Fires due timers. Each replica runs one: it claims due rows of <c>timer_schedules</c> with
/// <c>FOR UPDATE SKIP LOCKED</c> (replicas take disjoint rows), records each fire and stages its event
/// (<see cref="FireLog"/>), moves the row to the next tick and commits — one transaction, so a tick fires exactly once
/// even when a replica dies mid-batch (its rows unlock and another replica takes them). Between batches it sleeps until
/// the earliest next tick, at most <see cref="TriggersSettings.SchedulerMaxIdle"/>, or until a local change wakes it.
/// </summary>
public sealed partial class TimerScheduler(
    IServiceScopeFactory scopes, [FromKeyedServices(Clock.Key)] TimeProvider time, SchedulerSignal signal, FireLog fireLog,
    IOptions<TriggersSettings> settings, ILogger<TimerScheduler> logger) : BackgroundService
{
    readonly ConcurrentDictionary<(Guid, int), TimerOptions> _options = new();
    long _fired;

    /// <summary>Timers this replica has fired (or skipped) since it started.</summary>
    public long Fired => Interlocked.Read(ref _fired);

    sealed record DueTimer(FireTarget Target, DateTimeOffset Scheduled, int Version, string Options);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        settings.Value.SchedulerEnabled
            ? Task.WhenAll(Enumerable.Range(0, settings.Value.SchedulerConcurrency).Select(_ => LoopAsync(stoppingToken)))
            : Task.CompletedTask;

    /// <summary>One claiming loop; a replica runs a few, so one batch's commit overlaps the next one's work.</summary>
    async Task LoopAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await FireDueAsync(stoppingToken) >= settings.Value.SchedulerBatchSize)
                {
                    continue;
                }
                await signal.WaitAsync(await UntilNextTickAsync(stoppingToken), stoppingToken);
            }
            catch (Exception e) when ((e is NpgsqlException or InvalidOperationException or TimeoutException) && !stoppingToken.IsCancellationRequested)
            {
                LogSchedulerFailed(e);
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
            }
        }
    }

    async Task<TimeSpan> UntilNextTickAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TriggersDbContext>();
        var next = await db.TimerSchedules.MinAsync(s => (DateTimeOffset?)s.NextFireAt, cancellationToken);
        var idle = settings.Value.SchedulerMaxIdle;
        var wait = next is { } due ? due - time.GetUtcNow() : idle;
        return wait < TimeSpan.Zero ? TimeSpan.Zero : wait > idle ? idle : wait;
    }

    /// <summary>Claims one batch of due timers and fires them; returns how many timers it handled.</summary>
    public async Task<int> FireDueAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TriggersDbContext>();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var now = time.Now();
        var due = await ClaimAsync(db, now, cancellationToken);
        if (due.Count == 0)
        {
            return 0;
        }

        var fires = new List<Fire>(due.Count);
        var moves = new List<(Guid Trigger, DateTimeOffset Next)>(due.Count);
        var completed = new List<Guid>();
        var firedAt = time.Now();
        foreach (var timer in due)
        {
            var options = OptionsOf(timer);
            var decisions = Misfire.Decide(options, timer.Scheduled, now);
            fires.AddRange(decisions.Select(d => new Fire(timer.Target, $"tick:{d.Tick.ToUnixTimeMilliseconds()}", d.Outcome, d.Tick, firedAt,
                Payload(options, d), options.Reminder)));
            if (options.NextTick(decisions[^1].Tick) is { } next)
            {
                moves.Add((timer.Target.TriggerId, next));
            }
            else
            {
                completed.Add(timer.Target.TriggerId);
            }
        }
        await MoveAsync(db, moves, completed, now, cancellationToken);
        await fireLog.RecordAsync(db, fires, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        Interlocked.Add(ref _fired, due.Count);
        if (fires.Any(f => f.Outcome != TriggerOutcomes.Fired))
        {
            LogMisfires(fires.Count(f => f.Outcome == TriggerOutcomes.CaughtUp), fires.Count(f => f.Outcome == TriggerOutcomes.Skipped));
        }
        return due.Count;
    }

    async Task<List<DueTimer>> ClaimAsync(TriggersDbContext db, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var claim = db.Command("""
            SELECT s.trigger_id, s.next_fire_at, t.version, t.tenant_id, t.agent_id, t.user_id, t.conversation_id, t.options::text
            FROM timer_schedules s JOIN triggers t ON t.id = s.trigger_id
            WHERE s.next_fire_at <= @now AND t.active
            ORDER BY s.next_fire_at
            LIMIT @limit
            FOR UPDATE OF s SKIP LOCKED
            """);
        claim.Parameters.AddWithValue("now", now.UtcDateTime);
        claim.Parameters.AddWithValue("limit", settings.Value.SchedulerBatchSize);
        var due = new List<DueTimer>();
        await using var reader = await claim.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var target = new FireTarget(reader.GetGuid(0), reader.GetGuid(3), reader.GetGuid(4),
                reader.IsDBNull(5) ? null : reader.GetGuid(5), reader.IsDBNull(6) ? null : reader.GetGuid(6), TriggerSystems.Timer);
            due.Add(new DueTimer(target, reader.GetFieldValue<DateTimeOffset>(1), reader.GetInt32(2), reader.GetString(7)));
        }
        return due;
    }

    static async Task MoveAsync(
        TriggersDbContext db, List<(Guid Trigger, DateTimeOffset Next)> moves, List<Guid> completed, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var move = db.Command("""
            UPDATE timer_schedules s SET next_fire_at = m.next
            FROM unnest(@triggers, @nexts) AS m(trigger_id, next) WHERE s.trigger_id = m.trigger_id;
            DELETE FROM timer_schedules WHERE trigger_id = ANY(@completed);
            UPDATE triggers SET completed_at = @now WHERE id = ANY(@completed);
            """);
        move.Parameters.Add(new("triggers", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = moves.Select(m => m.Trigger).ToArray() });
        move.Parameters.Add(new("nexts", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { Value = moves.Select(m => m.Next.UtcDateTime).ToArray() });
        move.Parameters.Add(new("completed", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = completed.ToArray() });
        move.Parameters.AddWithValue("now", now.UtcDateTime);
        await move.ExecuteNonQueryAsync(cancellationToken);
    }

    TimerOptions OptionsOf(DueTimer timer)
    {
        if (_options.Count > 100_000)
        {
            _options.Clear(); // versions left behind by changed or deleted triggers
        }
        return _options.GetOrAdd((timer.Target.TriggerId, timer.Version), _ => (TimerOptions)SystemOptions.Load(TriggerSystems.Timer, timer.Options));
    }

    static JsonElement Payload(TimerOptions options, TickDecision decision)
    {
        var payload = options.ToJson();
        payload.Remove("misfire_grace_seconds");
        payload.Remove("payload");
        payload["scheduled_for"] = decision.Tick.ToString("O", CultureInfo.InvariantCulture);
        if (decision.Outcome != TriggerOutcomes.Fired)
        {
            payload["missed"] = new JsonObject
            {
                ["ticks"] = decision.Ticks,
                ["first"] = decision.FirstTick.ToString("O", CultureInfo.InvariantCulture),
            };
        }
        if (options.Payload is { } extra)
        {
            payload["payload"] = JsonNode.Parse(extra.GetRawText());
        }
        return JsonSerializer.SerializeToElement(payload);
    }

    [LoggerMessage(LogLevel.Warning, "Timer scheduler failed; retrying in a second")]
    partial void LogSchedulerFailed(Exception exception);

    [LoggerMessage(LogLevel.Information, "Misfired timers: {CaughtUp} caught up with one fire, {Skipped} skipped by their policy")]
    partial void LogMisfires(int caughtUp, int skipped);
}
