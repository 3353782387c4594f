using AgentCloud.EventBus.CloudEvents;
using AgentCloud.EventBus.Hosting;
using AgentCloud.EventBus.Telemetry;
using CloudNative.CloudEvents;
using Dapr.Client;
using Microsoft.Extensions.Options;

namespace AgentCloud.EventBus.Dapr;

/// <summary>
/// Publishes through the sidecar with <see cref="DaprClient.PublishByteEventAsync"/> (gRPC <c>PublishEvent</c>): our
/// CloudEvent as <c>application/cloudevents+json</c>, which Dapr forwards as it is (adding <c>topic</c> and
/// <c>pubsubname</c>) instead of wrapping it in a CloudEvent of its own. Dapr does set <c>traceparent</c> to its own span
/// of the publish call, so each call is made inside the event's trace: subscribers continue the publisher's trace as they
/// do on Redis, through the outbox too.
/// </summary>
sealed class DaprEventTransport(DaprClient dapr, IOptions<EventBusOptions> options) : IEventTransport
{
    /// <summary>One publish call per event, each awaited before the next: the order holds.</summary>
    public async Task PublishAsync(IReadOnlyList<CloudEvent> events, CancellationToken cancellationToken)
    {
        foreach (var cloudEvent in events)
        {
            using var activity = EventBusTelemetry.ContinueTrace(cloudEvent);
            await dapr.PublishByteEventAsync(options.Value.PubSubName, cloudEvent.Type!, CloudEventSerializer.Serialize(cloudEvent),
                CloudEventSerializer.MediaType, cancellationToken: cancellationToken);
            EventBusTelemetry.Published.Add(1, new KeyValuePair<string, object?>("messaging.destination.name", cloudEvent.Type));
        }
    }
}
