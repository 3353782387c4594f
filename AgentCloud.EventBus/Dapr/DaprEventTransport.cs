using System.Net.Http.Headers;
using AgentCloud.EventBus.CloudEvents;
using AgentCloud.EventBus.Hosting;
using AgentCloud.EventBus.Telemetry;
using Microsoft.Extensions.Options;

namespace AgentCloud.EventBus.Dapr;

/// <summary>
/// Publishes through the sidecar: <c>POST /v1.0/publish/{pubsub}/{topic}</c> with the event as
/// <c>application/cloudevents+json</c>, which Dapr forwards as is instead of wrapping it in a CloudEvent of its own.
/// </summary>
sealed class DaprEventTransport(HttpClient http, IOptions<EventBusOptions> options) : IEventTransport
{
    /// <summary>One publish call per event, each awaited before the next: the order holds.</summary>
    public async Task PublishAsync(IReadOnlyList<SerializedCloudEvent> events, CancellationToken cancellationToken)
    {
        foreach (var e in events)
        {
            await PublishAsync(e.Topic, e.Json, cancellationToken);
        }
    }

    async Task PublishAsync(string topic, string json, CancellationToken cancellationToken)
    {
        using var content = new StringContent(json);
        content.Headers.ContentType = new MediaTypeHeaderValue(CloudEvent.MediaType);
        using var response = await http.PostAsync(
            $"v1.0/publish/{Uri.EscapeDataString(options.Value.PubSubName)}/{Uri.EscapeDataString(topic)}", content, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException(
                $"Dapr refused to publish to {topic}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}",
                null, response.StatusCode);
        }
        EventBusTelemetry.Published.Add(1, new KeyValuePair<string, object?>("messaging.destination.name", topic));
    }
}
