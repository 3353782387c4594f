using System.Collections.Concurrent;
using System.Threading.Channels;
using AgentCloud.EventBus.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AgentCloud.EventBus.Redis;

/// <summary>
/// One replica's consumer: reads its group's new messages (XREADGROUP; StackExchange.Redis multiplexes one connection,
/// so it has no blocking read and the consumer sleeps until a pub/sub nudge or the idle poll), acks only after the
/// handlers succeed, retries failures with exponential backoff by re-claiming its own pending message, claims messages
/// another replica left pending past the visibility timeout, and dead-letters a message after
/// <see cref="EventBusOptions.MaxAttempts"/> deliveries.
/// </summary>
sealed partial class RedisStreamConsumer(
    IConnectionMultiplexer redis, EventDispatcher dispatcher, Subscriptions subscriptions, DeadLetters deadLetters,
    IOptions<EventBusOptions> options, ILogger<RedisStreamConsumer> logger) : BackgroundService
{
    readonly EventBusOptions _options = options.Value;
    readonly StreamKeys _keys = new(options.Value.StreamPrefix);
    readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    readonly ConcurrentDictionary<(string Stream, string Id), Retry> _retries = new();
    readonly ConcurrentDictionary<(string Stream, string Id), bool> _owned = new();
    readonly Dictionary<string, string> _topicOf = [];
    IDatabase _db = null!;
    string _consumer = "";

    string Group => _options.AppId;

    /// <summary>A message of <paramref name="Stream"/> handed to this replica, on its <paramref name="Attempt"/>th delivery.</summary>
    readonly record struct Delivery(string Stream, StreamEntry Entry, int Attempt)
    {
        public (string, string) Key => (Stream, Entry.Id!);
    }

    sealed record Retry(Delivery Delivery, DateTimeOffset Due);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (subscriptions.Topics.Count == 0)
        {
            return;
        }
        _consumer = string.IsNullOrEmpty(_options.ConsumerName)
            ? $"{_options.AppId}-{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..6]}"
            : _options.ConsumerName;
        _db = redis.GetDatabase();
        foreach (var topic in subscriptions.Topics)
        {
            _topicOf[_keys.Stream(topic)] = topic;
            _topicOf[_keys.Replay(topic, _options.AppId)] = topic;
        }
        var streams = _topicOf.Keys.ToList();
        var newMessages = streams.Select(s => new StreamPosition(s, StreamPosition.NewMessages)).ToArray();
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
                        await redis.GetSubscriber().SubscribeAsync(RedisChannel.Literal(_keys.Notify(topic)), (_, _) => _wake.Writer.TryWrite(true));
                    }
                    await EnsureGroupsAsync(streams);
                    ready = true;
                    LogStarted(_consumer, Group, string.Join(", ", subscriptions.Topics));
                }
                var worked = await RetryDueAsync(stoppingToken);
                if (DateTimeOffset.UtcNow >= nextReclaim)
                {
                    worked |= await ReclaimAsync(streams, stoppingToken);
                    nextReclaim = DateTimeOffset.UtcNow + reclaimEvery;
                }
                if (DateTimeOffset.UtcNow >= nextHeartbeat)
                {
                    await _db.StringSetAsync(_keys.Heartbeat(Group, _consumer), "1", _options.DeadConsumerAfter);
                    nextHeartbeat = DateTimeOffset.UtcNow + _options.DeadConsumerAfter / 3;
                }
                if (DateTimeOffset.UtcNow >= nextCleanup)
                {
                    await RemoveDeadConsumersAsync(streams);
                    nextCleanup = DateTimeOffset.UtcNow + _options.CleanupInterval;
                }
                var read = await _db.StreamReadGroupAsync(newMessages, Group, _consumer, _options.BatchSize);
                var deliveries = read.SelectMany(stream => stream.Entries.Select(e => new Delivery(stream.Key!, e, 1))).ToList();
                if (deliveries.Count > 0)
                {
                    await ProcessAsync(deliveries, stoppingToken);
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

    /// <summary>Creates the group (at <see cref="EventBusOptions.NewGroupStartId"/>) and the stream where missing.</summary>
    async Task EnsureGroupsAsync(IEnumerable<string> streams)
    {
        foreach (var stream in streams)
        {
            try
            {
                await _db.StreamCreateConsumerGroupAsync(stream, Group, _options.NewGroupStartId, createStream: true);
            }
            catch (RedisServerException e) when (e.Message.StartsWith("BUSYGROUP", StringComparison.Ordinal))
            {
                // The group exists already: created by another replica or an earlier run.
            }
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
        foreach (var stream in streams)
        {
            var candidates = (await _db.StreamConsumerInfoAsync(stream, Group))
                .Where(c => c.PendingMessageCount == 0 && c.Name != _consumer && c.IdleTimeInMilliseconds >= _options.DeadConsumerAfter.TotalMilliseconds);
            foreach (var gone in candidates)
            {
                if (await _db.KeyExistsAsync(_keys.Heartbeat(Group, gone.Name)))
                {
                    continue;
                }
                await _db.StreamDeleteConsumerAsync(stream, Group, gone.Name);
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
        var batch = new List<Delivery>();
        foreach (var (delivery, _) in due)
        {
            _retries.TryRemove(delivery.Key, out _);
            // Min-idle = the backoff: if another replica claimed it meanwhile, its idle time is short and we leave it be.
            var claimed = await ClaimAsync(delivery.Stream, _options.RetryDelay(delivery.Attempt - 1), [delivery.Entry.Id]);
            if (claimed.Length == 0)
            {
                _owned.TryRemove(delivery.Key, out _);
            }
            batch.AddRange(claimed.Select(entry => delivery with { Entry = entry }));
        }
        await ProcessAsync(batch, cancellationToken);
        return true;
    }

    async Task<bool> ReclaimAsync(IReadOnlyList<string> streams, CancellationToken cancellationToken)
    {
        var any = false;
        foreach (var stream in streams)
        {
            var stale = (await _db.StreamPendingMessagesAsync(stream, Group, _options.BatchSize, RedisValue.Null,
                    minIdleTimeInMs: (long)_options.VisibilityTimeout.TotalMilliseconds))
                .Where(p => !_owned.ContainsKey((stream, p.MessageId!)))
                .ToList();
            if (stale.Count == 0)
            {
                continue;
            }
            var deliveries = stale.ToDictionary(p => (string)p.MessageId!, p => p.DeliveryCount);
            var claimed = await ClaimAsync(stream, _options.VisibilityTimeout, [.. stale.Select(p => p.MessageId)]);
            LogReclaimed(claimed.Length, stream, string.Join(", ", stale.Select(p => p.ConsumerName).Distinct()));
            var batch = new List<Delivery>();
            foreach (var entry in claimed)
            {
                var delivery = new Delivery(stream, entry, deliveries[entry.Id!] + 1);
                if (delivery.Attempt > _options.MaxAttempts)
                {
                    await DeadLetterAsync(delivery with { Attempt = delivery.Attempt - 1 },
                        $"Delivered {delivery.Attempt - 1} times without an ack (consumers stopped before finishing).");
                    continue;
                }
                batch.Add(delivery);
            }
            await ProcessAsync(batch, cancellationToken);
            any = true;
        }
        return any;
    }

    /// <summary>Takes over messages idle at least <paramref name="minIdle"/>; entries trimmed meanwhile come back empty (or not at all).</summary>
    Task<StreamEntry[]> ClaimAsync(string stream, TimeSpan minIdle, RedisValue[] ids) =>
        _db.StreamClaimAsync(stream, Group, _consumer, (long)minIdle.TotalMilliseconds, ids);
}
