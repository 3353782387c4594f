namespace AgentCloud.EventBus.Hosting;

/// <summary>Puts serialized CloudEvents on the wire, in order: Redis Streams or the Dapr sidecar.</summary>
public interface IEventTransport
{
    /// <summary>Publishes every event, in list order per topic; returns once all are accepted.</summary>
    Task PublishAsync(IReadOnlyList<SerializedCloudEvent> events, CancellationToken cancellationToken);
}

/// <summary>A CloudEvent in structured JSON (as CloudEventSerializer writes it, or as an outbox row stores it).</summary>
public sealed record SerializedCloudEvent(string Topic, string Json);
