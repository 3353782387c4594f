using AgentCloud.EventBus.CloudEvents;
using AgentCloud.EventBus.Hosting;
using AgentCloud.EventBus.Telemetry;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AgentCloud.EventBus.Redis;

/// <summary>XADD to the topic's capped stream, then a pub/sub nudge so idle consumers poll at once.</summary>
sealed class RedisStreamTransport(IConnectionMultiplexer redis, IOptions<EventBusOptions> options) : IEventTransport
{
    readonly StreamKeys _keys = new(options.Value.StreamPrefix);

    public async Task PublishAsync(string topic, CloudEvent cloudEvent, CancellationToken cancellationToken)
    {
        await redis.GetDatabase().ExecuteAsync("XADD",
            _keys.Stream(topic), "MAXLEN", "~", options.Value.MaxStreamLength, "*", "event", CloudEventSerializer.Serialize(cloudEvent));
        await redis.GetSubscriber().PublishAsync(_keys.Notify(topic), "", CommandFlags.FireAndForget);
        EventBusTelemetry.Published.Add(1, new KeyValuePair<string, object?>("messaging.destination.name", topic));
    }
}
