namespace AgentCloud.EventBus.Hosting;

/// <summary>Bound from the <c>EventBus</c> configuration section.</summary>
public sealed class EventBusOptions
{
    /// <summary>The service's name: CloudEvent <c>source</c>, consumer group and inbox key. Defaults to the application name.</summary>
    public string AppId { get; set; } = "";

    /// <summary><c>redis</c> (Redis Streams, the default) or <c>dapr</c> (the sidecar, through DaprClient).</summary>
    public string Transport { get; set; } = "redis";

    public string ConnectionName { get; set; } = "redis";

    /// <summary>Unique per replica; a random suffix keeps two replicas of one service apart in the consumer group.</summary>
    public string ConsumerName { get; set; } = "";

    public string StreamPrefix { get; set; } = "events:";

    /// <summary>Retention: each topic's stream is trimmed to about this many entries (<c>MAXLEN ~</c>) on every publish.</summary>
    public int MaxStreamLength { get; set; } = 100_000;

    /// <summary>
    /// Where a consumer group starts when it is first created: <c>0</c> (default) takes every event still retained in
    /// the stream, so nothing published before the service's first start is missed; <c>$</c> takes only new events.
    /// </summary>
    public string NewGroupStartId { get; set; } = "0";

    public int MaxAttempts { get; set; } = 5;

    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>A message pending this long with no ack belongs to a consumer presumed dead; another replica claims it.</summary>
    public TimeSpan VisibilityTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// A consumer name idle this long, with nothing pending and no heartbeat key, belongs to a replica that is gone and
    /// is removed from the group. (Redis 7.0 does not refresh a consumer's idle time on empty reads, so live replicas
    /// keep a heartbeat key with this time-to-live.)
    /// </summary>
    public TimeSpan DeadConsumerAfter { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Fallback poll when no pub/sub wake-up arrives (a missed notification costs at most this much latency).</summary>
    public TimeSpan IdlePollInterval { get; set; } = TimeSpan.FromSeconds(1);

    public int BatchSize { get; set; } = 200;

    /// <summary>Handlers running at once per replica; ordering within a topic is not guaranteed above 1.</summary>
    public int Concurrency { get; set; } = 16;

    public TimeSpan OutboxPollInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    public int OutboxBatchSize { get; set; } = 200;

    /// <summary>Published outbox rows are deleted after this long (kept a while for diagnosis).</summary>
    public TimeSpan OutboxRetention { get; set; } = TimeSpan.FromDays(1);

    /// <summary>
    /// Inbox rows are deleted after this long. Keep it longer than any redelivery can come late (stream retention,
    /// dead-letter replays): an event redelivered after its inbox row is gone would run its handlers again.
    /// </summary>
    public TimeSpan InboxRetention { get; set; } = TimeSpan.FromDays(14);

    public TimeSpan CleanupInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Dapr's pub/sub component name.</summary>
    public string PubSubName { get; set; } = "pubsub";

    public TimeSpan RetryDelay(int attempt) =>
        TimeSpan.FromMilliseconds(Math.Min(RetryMaxDelay.TotalMilliseconds, RetryBaseDelay.TotalMilliseconds * Math.Pow(2, attempt - 1)));
}
