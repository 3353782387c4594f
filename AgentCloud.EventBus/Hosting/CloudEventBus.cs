using System.Diagnostics;
using AgentCloud.EventBus.Abstractions;
using AgentCloud.EventBus.CloudEvents;
using AgentCloud.EventBus.Telemetry;
using Microsoft.Extensions.Options;

namespace AgentCloud.EventBus.Hosting;

sealed class CloudEventBus(IEventTransport transport, IOptions<EventBusOptions> options) : IEventBus
{
    public async Task PublishAsync(IntegrationEvent @event, CancellationToken cancellationToken = default)
    {
        var topic = EventTypes.NameOf(@event.GetType());
        using var activity = EventBusTelemetry.StartPublish(topic);
        activity?.SetTag("messaging.message.id", @event.Id);
        try
        {
            var cloudEvent = CloudEventSerializer.Wrap(@event, options.Value.AppId, Activity.Current);
            await transport.PublishAsync([new SerializedCloudEvent(topic, CloudEventSerializer.Serialize(cloudEvent))], cancellationToken);
        }
        catch (Exception e)
        {
            activity?.SetStatus(ActivityStatusCode.Error, e.GetType().Name);
            throw;
        }
    }
}
