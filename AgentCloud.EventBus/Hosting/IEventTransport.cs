using AgentCloud.EventBus.CloudEvents;

namespace AgentCloud.EventBus.Hosting;

/// <summary>Puts an already-built CloudEvent on the wire: Redis Streams or the Dapr sidecar.</summary>
public interface IEventTransport
{
    Task PublishAsync(string topic, CloudEvent cloudEvent, CancellationToken cancellationToken);
}
