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
            await transport.PublishAsync([CloudEventSerializer.Wrap(@event, options.Value.AppId, Activity.Current)], cancellationToken);
        }
        catch (Exception e)
        {
            activity?.SetStatus(ActivityStatusCode.Error, e.GetType().Name);
            throw;
        }
    }
}
