using System.Collections.Concurrent;
using System.Text.Json;
using System.Threading.Channels;
using AgentCloud.EventBus.CloudEvents;
using AgentCloud.EventBus.Hosting;
using AgentCloud.EventBus.Telemetry;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AgentCloud.EventBus.Redis;

/// <summary>
/// One replica's consumer: reads its group's new messages (XREADGROUP, no BLOCK in SE.Redis 1.2.6, so it sleeps until a
/// pub/sub nudge or the idle poll), acks only after the handlers succeed, retries failures with exponential backoff by
/// re-claiming its own pending message, claims messages another replica left pending past the visibility timeout, and
/// dead-letters a message after <see cref="EventBusOptions.MaxAttempts"/> deliveries.
/// </summary>
sealed partial class RedisStreamConsumer(
    IConnectionMultiplexer redis, EventDispatcher dispatcher, Subscriptions subscriptions,
    IOptions<EventBusOptions> options, ILogger<RedisStreamConsumer> logger) : BackgroundService
{
    readonly EventBusOptions _options = options.Value;
    readonly StreamKeys _keys = new(options.Value.StreamPrefix);
    readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    readonly ConcurrentDictionary<(string Stream, string Id), Retry> _retries = new();
    readonly ConcurrentDictionary<(string Stream, string Id), bool> _owned = new();
    readonly Dictionary<string, string> _topicOf = [];
    StreamCommands _commands = null!;

    sealed record Retry(StreamEntry Entry, int Attempt, DateTimeOffset Due);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (subscriptions.Topics.Count == 0)
        {
            return;
        }
        var consumer = string.IsNullOrEmpty(_options.ConsumerName)
            ? $"{_options.AppId}-{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..6]}"
            : _options.ConsumerName;
        _commands = new StreamCommands(redis.GetDatabase(), _options.AppId, consumer, _options.NewGroupStartId);
        foreach (var topic in subscriptions.Topics)
        {
            _topicOf[_keys.Stream(topic)] = topic;
            _topicOf[_keys.Replay(topic, _options.AppId)] = topic;
        }
        var streams = _topicOf.Keys.ToList();
        var ready = false;

        var reclaimEvery = TimeSpan.FromMilliseconds(Math.Max(50, _options.VisibilityTimeout.TotalMilliseconds / 4));
        var nextReclaim = DateTimeOffset.UtcNow;
        var nextCleanup = DateTimeOffset.UtcNow + _options.DeadConsumerAfter / 2;
        var nextHeartbeat = DateTimeOffset.UtcNow;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (!ready)
                {
                    // Inside the loop so that a Redis that is down at start-up delays the consumer instead of failing the host.
                    foreach (var topic in subscriptions.Topics)
                    {
                        await redis.GetSubscriber().SubscribeAsync(_keys.Notify(topic), (_, _) => _wake.Writer.TryWrite(true));
                    }
                    await EnsureGroupsAsync(streams);
                    ready = true;
                    LogStarted(consumer, _options.AppId, string.Join(", ", subscriptions.Topics));
                }
                var worked = await RetryDueAsync(stoppingToken);
                if (DateTimeOffset.UtcNow >= nextReclaim)
                {
                    worked |= await ReclaimAsync(streams, stoppingToken);
                    nextReclaim = DateTimeOffset.UtcNow + reclaimEvery;
                }
                if (DateTimeOffset.UtcNow >= nextHeartbeat)
                {
                    await redis.GetDatabase().StringSetAsync(_keys.Heartbeat(_options.AppId, consumer), "1", _options.DeadConsumerAfter);
                    nextHeartbeat = DateTimeOffset.UtcNow + _options.DeadConsumerAfter / 3;
                }
                if (DateTimeOffset.UtcNow >= nextCleanup)
                {
                    await RemoveDeadConsumersAsync(streams);
                    nextCleanup = DateTimeOffset.UtcNow + _options.CleanupInterval;
                }
                var entries = await _commands.ReadNewAsync(streams, _options.BatchSize);
                if (entries.Count > 0)
                {
                    await ProcessAsync(entries.Select(e => (e, 1)).ToList(), stoppingToken);
                    continue;
                }
                if (!worked)
                {
                    await SleepAsync(Earliest(nextReclaim, nextHeartbeat, nextCleanup), stoppingToken);
                }
            }
            catch (RedisServerException e) when (e.Message.StartsWith("NOGROUP", StringComparison.Ordinal))
            {
                LogGroupMissing(e.Message);
                await EnsureGroupsAsync(streams);
            }
            catch (Exception e) when (e is RedisException or TimeoutException)
            {
                LogRedisUnavailable(e);
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
            }
        }
    }

    async Task EnsureGroupsAsync(IEnumerable<string> streams)
    {
        foreach (var stream in streams)
        {
            await _commands.EnsureGroupAsync(stream);
        }
    }

    static DateTimeOffset Earliest(params DateTimeOffset[] times) => times.Min();

    async Task SleepAsync(DateTimeOffset nextTimer, CancellationToken cancellationToken)
    {
        var until = DateTimeOffset.UtcNow + _options.IdlePollInterval;
        if (nextTimer < until)
        {
            until = nextTimer;
        }
        foreach (var retry in _retries.Values)
        {
            if (retry.Due < until)
            {
                until = retry.Due;
            }
        }
        var delay = until - DateTimeOffset.UtcNow;
        if (delay <= TimeSpan.Zero)
        {
            return;
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(delay);
        try
        {
            await _wake.Reader.WaitToReadAsync(timeout.Token);
            _wake.Reader.TryRead(out _);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Slept the whole interval without a nudge: time for the fallback poll.
        }
    }

    /// <summary>
    /// Only names with nothing pending (deleting a consumer drops its pending entries; those are reclaimed first) and no
    /// heartbeat (a live but quiet replica looks idle to Redis 7.0).
    /// </summary>
    async Task RemoveDeadConsumersAsync(IReadOnlyList<string> streams)
    {
        var db = redis.GetDatabase();
        foreach (var stream in streams)
        {
            var candidates = (await _commands.ConsumersAsync(stream))
                .Where(c => c.Pending == 0 && c.Name != _commands.Consumer && c.IdleMilliseconds >= _options.DeadConsumerAfter.TotalMilliseconds);
            foreach (var gone in candidates)
            {
                if (await db.KeyExistsAsync(_keys.Heartbeat(_options.AppId, gone.Name)))
                {
                    continue;
                }
                await _commands.DeleteConsumerAsync(stream, gone.Name);
                LogConsumerRemoved(gone.Name, stream);
            }
        }
    }

    async Task<bool> RetryDueAsync(CancellationToken cancellationToken)
    {
        var now = DateTimeOffset.UtcNow;
        var due = _retries.Values.Where(r => r.Due <= now).ToList();
        if (due.Count == 0)
        {
            return false;
        }
        var batch = new List<(StreamEntry, int)>();
        foreach (var group in due.GroupBy(r => r.Entry.Stream))
        {
            foreach (var retry in group)
            {
                _retries.TryRemove((retry.Entry.Stream, retry.Entry.Id), out _);
                // Min-idle = the backoff: if another replica claimed it meanwhile, its idle time is short and we leave it be.
                var claimed = await _commands.ClaimAsync(group.Key, _options.RetryDelay(retry.Attempt - 1), [retry.Entry.Id]);
                if (claimed.Count == 0)
                {
                    _owned.TryRemove((retry.Entry.Stream, retry.Entry.Id), out _);
                }
                batch.AddRange(claimed.Select(c => (c, retry.Attempt)));
            }
        }
        await ProcessAsync(batch, cancellationToken);
        return true;
    }

    async Task<bool> ReclaimAsync(IReadOnlyList<string> streams, CancellationToken cancellationToken)
    {
        var any = false;
        foreach (var stream in streams)
        {
            var stale = (await _commands.PendingAsync(stream, _options.VisibilityTimeout, _options.BatchSize))
                .Where(p => !_owned.ContainsKey((stream, p.Id)))
                .ToList();
            if (stale.Count == 0)
            {
                continue;
            }
            var deliveries = stale.ToDictionary(p => p.Id, p => p.Deliveries);
            var claimed = await _commands.ClaimAsync(stream, _options.VisibilityTimeout, stale.Select(p => p.Id).ToList());
            LogReclaimed(claimed.Count, stream, string.Join(", ", stale.Select(p => p.Consumer).Distinct()));
            var batch = new List<(StreamEntry, int)>();
            foreach (var entry in claimed)
            {
                var attempt = (int)deliveries[entry.Id] + 1;
                if (attempt > _options.MaxAttempts)
                {
                    await DeadLetterAsync(entry, attempt - 1, $"Delivered {attempt - 1} times without an ack (consumers stopped before finishing).");
                    continue;
                }
                batch.Add((entry, attempt));
            }
            await ProcessAsync(batch, cancellationToken);
            any = true;
        }
        return any;
    }
}
