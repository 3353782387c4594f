using AgentCloud.Triggers.Extensions;
using AgentCloud.Triggers.Firing;
using AgentCloud.Triggers.Infrastructure;
using AgentCloud.Triggers.Model;
using AgentCloud.Triggers.Scheduling;
using AgentCloud.Triggers.Systems;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace AgentCloud.Triggers.Listeners;

/// <summary>
/// Polls due listeners. A replica leases a due listener (<c>FOR UPDATE SKIP LOCKED</c>, then <c>leased_until</c>),
/// so one replica polls it at a time; it polls outside any transaction, then in one transaction keeps only items the
/// listener has not seen, fans each out to every active trigger sharing the listener that accepts it (the triggers are
/// locked <c>FOR SHARE</c>, so a deactivation or delete that committed first is honoured), records the fires with
/// their events, and moves the listener's cursor and next poll. A listener's first poll only remembers what is there.
/// Failures back off: the interval doubles per failure up to <see cref="TriggersSettings.MaxPollBackoff"/>.
/// </summary>
public sealed partial class ListenerPoller(
    IServiceScopeFactory scopes, ListenerFactory factory, FireLog fireLog, ListenerSignal signal, [FromKeyedServices(Clock.Key)] TimeProvider time,
    IOptions<TriggersSettings> options, ILogger<ListenerPoller> logger) : BackgroundService
{
    readonly string _replica = $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid():N}";

    sealed record Leased(string Key, Guid TenantId, string System, Guid? CredentialId, string? Cursor, DateTimeOffset? LastPolledAt,
        DateTimeOffset? CredentialChangedAt, int Failures);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.ListenersEnabled)
        {
            return;
        }
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await PollDueAsync(stoppingToken);
            }
            catch (Exception e) when ((e is NpgsqlException or InvalidOperationException or TimeoutException) && !stoppingToken.IsCancellationRequested)
            {
                LogPollerFailed(e);
            }
            await signal.WaitAsync(options.Value.ListenerCheckInterval, stoppingToken);
        }
    }

    /// <summary>Leases the due listeners (a bounded number) and polls them, some at once; returns how many it polled.</summary>
    public async Task<int> PollDueAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var leased = await LeaseAsync(settings.PollConcurrency * 4, cancellationToken);
        await Parallel.ForEachAsync(leased, new ParallelOptions { MaxDegreeOfParallelism = settings.PollConcurrency, CancellationToken = cancellationToken },
            async (listener, token) => await PollAsync(listener, token));
        return leased.Count;
    }

    async Task<List<Leased>> LeaseAsync(int limit, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TriggersDbContext>();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var now = time.Now();
        await using var lease = db.Command("""
            UPDATE listeners SET leased_until = @until, leased_by = @me
            WHERE key IN (SELECT key FROM listeners
                          WHERE next_poll_at <= @now AND (leased_until IS NULL OR leased_until < @now)
                          ORDER BY next_poll_at LIMIT @limit FOR UPDATE SKIP LOCKED)
            RETURNING key, tenant_id, system, credential_id, cursor #>> '{}', last_polled_at, credential_changed_at, failures
            """);
        lease.Parameters.AddWithValue("until", (now + options.Value.PollTimeout * 2).UtcDateTime);
        lease.Parameters.AddWithValue("me", _replica);
        lease.Parameters.AddWithValue("now", now.UtcDateTime);
        lease.Parameters.AddWithValue("limit", limit);
        var leased = new List<Leased>();
        await using (var reader = await lease.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                leased.Add(new Leased(reader.GetString(0), reader.GetGuid(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetGuid(3),
                    reader.IsDBNull(4) ? null : reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5),
                    reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6), reader.GetInt32(7)));
            }
        }
        await transaction.CommitAsync(cancellationToken);
        return leased;
    }

    async Task PollAsync(Leased state, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TriggersDbContext>();
        var members = await MembersAsync(db, state.Key, cancellationToken);
        if (members.Count == 0)
        {
            await db.Listeners.Where(l => l.Key == state.Key).ExecuteDeleteAsync(cancellationToken);
            factory.Forget(state.Key);
            return;
        }
        var listener = factory.GetOrCreate(state.Key, state.System);
        var poll = new ListenerPoll(state.Key, state.TenantId, state.CredentialId, members, state.Cursor, state.CredentialChangedAt);
        var interval = TimeSpan.FromSeconds(members.Min(m => m.Options.IntervalSeconds));
        PollResult result;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(options.Value.PollTimeout);
            result = await listener.PollAsync(poll, timeout.Token);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            await FailedAsync(db, state, interval, e, cancellationToken);
            return;
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var now = time.Now();
        var fresh = await RememberAsync(db, state.Key, result.Items, now, cancellationToken);
        // The listener's first poll takes stock: what is already there is not news.
        var news = state.LastPolledAt is null ? [] : result.Items.Where(i => fresh.Contains(i.Key)).ToList();
        var active = await LockActiveAsync(db, members, cancellationToken);
        var fires = news.SelectMany(item => members.Where(m => active.Contains(m.Target.TriggerId) && listener.Accepts(m.Options, item))
            .Select(m => new Fire(m.Target, $"item:{item.Key}", TriggerOutcomes.Fired, null, now, item.Payload))).ToList();
        await fireLog.RecordAsync(db, fires, cancellationToken);
        await db.Database.ExecuteSqlAsync($"""
            UPDATE listeners SET cursor = to_jsonb({result.Cursor}::text), last_polled_at = {now}, failures = 0, last_error = NULL,
                next_poll_at = {now + interval}, leased_until = NULL, leased_by = NULL
            WHERE key = {state.Key}
            """, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        if (fires.Count > 0)
        {
            LogFired(state.Key, news.Count, fires.Count);
        }
    }

    async Task<List<ListenerMember>> MembersAsync(TriggersDbContext db, string key, CancellationToken cancellationToken)
    {
        var triggers = await db.Triggers.AsNoTracking().Where(t => t.ListenerKey == key && t.Active).ToListAsync(cancellationToken);
        return [.. triggers.Select(t => new ListenerMember(
            new FireTarget(t.Id, t.TenantId, t.AgentId, t.UserId, t.ConversationId, t.System),
            (PolledOptions)SystemOptions.Load(t.System, t.Options)))];
    }

    /// <summary>Adds the items to the listener's seen set; returns the keys that were not in it.</summary>
    static async Task<HashSet<string>> RememberAsync(TriggersDbContext db, string key, IReadOnlyList<PolledItem> items, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var fresh = new HashSet<string>(StringComparer.Ordinal);
        if (items.Count == 0)
        {
            return fresh;
        }
        await using var remember = db.Command("""
            INSERT INTO listener_seen_items (listener_key, item_key, last_seen_at)
            SELECT @key, k, @now FROM unnest(@keys) AS k
            ON CONFLICT (listener_key, item_key) DO UPDATE SET last_seen_at = excluded.last_seen_at
                WHERE listener_seen_items.last_seen_at < @stale
            RETURNING item_key, xmax = 0
            """);
        remember.Parameters.AddWithValue("key", key);
        remember.Parameters.AddWithValue("now", now.UtcDateTime);
        remember.Parameters.AddWithValue("stale", (now - TimeSpan.FromDays(1)).UtcDateTime);
        remember.Parameters.Add(new("keys", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = items.Select(i => i.Key).Distinct().ToArray() });
        await using var reader = await remember.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            if (reader.GetBoolean(1))
            {
                fresh.Add(reader.GetString(0)); // inserted, not a refreshed old row
            }
        }
        return fresh;
    }

    static async Task<HashSet<Guid>> LockActiveAsync(TriggersDbContext db, List<ListenerMember> members, CancellationToken cancellationToken)
    {
        var ids = members.Select(m => m.Target.TriggerId).ToArray();
        var active = await db.Triggers.FromSql($"SELECT * FROM triggers WHERE id = ANY({ids}) AND active FOR SHARE")
            .AsNoTracking().Select(t => t.Id).ToListAsync(cancellationToken);
        return [.. active];
    }

    async Task FailedAsync(TriggersDbContext db, Leased state, TimeSpan interval, Exception failure, CancellationToken cancellationToken)
    {
        var failures = state.Failures + 1;
        var backoff = TimeSpan.FromSeconds(Math.Min(interval.TotalSeconds * Math.Pow(2, Math.Min(failures, 20)), options.Value.MaxPollBackoff.TotalSeconds));
        var error = failure switch
        {
            ListenerException => failure.Message,
            OperationCanceledException => $"The poll did not finish within {options.Value.PollTimeout.TotalSeconds:0} s.",
            HttpRequestException http => $"The source could not be reached ({http.HttpRequestError}).",
            System.Text.Json.JsonException => "The source answered something that is not valid JSON.",
            _ => $"The listener failed ({failure.GetType().Name}).",
        };
        if (error.StartsWith("The listener failed", StringComparison.Ordinal))
        {
            LogListenerBug(state.Key, failure);
        }
        var now = time.Now();
        await db.Database.ExecuteSqlAsync($"""
            UPDATE listeners SET failures = {failures}, last_error = {error}, next_poll_at = {now + backoff}, leased_until = NULL, leased_by = NULL
            WHERE key = {state.Key}
            """, cancellationToken);
        LogPollFailed(state.Key, failures, backoff.TotalSeconds, error);
    }

    [LoggerMessage(LogLevel.Warning, "Listener poller failed; retrying at the next check")]
    partial void LogPollerFailed(Exception exception);

    [LoggerMessage(LogLevel.Information, "Listener {Key}: {Items} new items, {Fires} fires")]
    partial void LogFired(string key, int items, int fires);

    [LoggerMessage(LogLevel.Error, "Listener {Key} failed unexpectedly")]
    partial void LogListenerBug(string key, Exception exception);

    [LoggerMessage(LogLevel.Warning, "Listener {Key} poll failed ({Failures} in a row); next try in {Seconds:0} s: {Error}")]
    partial void LogPollFailed(string key, int failures, double seconds, string error);
}
