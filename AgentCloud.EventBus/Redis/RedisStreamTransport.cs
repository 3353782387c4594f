using System.Diagnostics;
using AgentCloud.EventBus.CloudEvents;
using AgentCloud.EventBus.Hosting;
using AgentCloud.EventBus.Telemetry;
using CloudNative.CloudEvents;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AgentCloud.EventBus.Redis;

/// <summary>XADD to the topic's capped stream, then a pub/sub nudge so idle consumers poll at once.</summary>
sealed class RedisStreamTransport(IConnectionMultiplexer redis, IOptions<EventBusOptions> options) : IEventTransport
{
    readonly StreamKeys _keys = new(options.Value.StreamPrefix);

    /// <summary>
    /// All XADDs go out pipelined on the one connection (StackExchange.Redis keeps their order), then one nudge per
    /// topic: a batch costs about one round trip, not one per event. Each XADD is issued inside its event's trace (the
    /// Redis instrumentation parents a command on the activity current when it is issued).
    /// </summary>
    public async Task PublishAsync(IReadOnlyList<CloudEvent> events, CancellationToken cancellationToken)
    {
        var database = redis.GetDatabase();
        var caller = Activity.Current;
        var publishes = new List<Activity>();
        var added = new Task[events.Count];
        for (var i = 0; i < events.Count; i++)
        {
            var publish = EventBusTelemetry.ContinueTrace(events[i]);
            added[i] = database.StreamAddAsync(_keys.Stream(events[i].Type!), StreamKeys.EventField, CloudEventSerializer.Serialize(events[i]),
                maxLength: options.Value.MaxStreamLength, useApproximateMaxLength: true);
            if (publish is not null)
            {
                publishes.Add(publish);
                Activity.Current = caller;
            }
        }
        try
        {
            await Task.WhenAll(added);
        }
        finally
        {
            publishes.ForEach(p => p.Dispose());
        }
        var subscriber = redis.GetSubscriber();
        foreach (var topic in events.GroupBy(e => e.Type!))
        {
            await subscriber.PublishAsync(RedisChannel.Literal(_keys.Notify(topic.Key)), "", CommandFlags.FireAndForget);
            EventBusTelemetry.Published.Add(topic.Count(), new KeyValuePair<string, object?>("messaging.destination.name", topic.Key));
        }
    }
}
