using CloudNative.CloudEvents;

namespace AgentCloud.EventBus.Hosting;

/// <summary>Puts CloudEvents on the wire, in order: Redis Streams or the Dapr sidecar. The topic is the event's type.</summary>
public interface IEventTransport
{
    /// <summary>Publishes every event, in list order per topic; returns once all are accepted.</summary>
    Task PublishAsync(IReadOnlyList<CloudEvent> events, CancellationToken cancellationToken);
}
