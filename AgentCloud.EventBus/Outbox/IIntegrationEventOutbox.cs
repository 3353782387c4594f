using System.Diagnostics;
using AgentCloud.EventBus.Abstractions;
using AgentCloud.EventBus.CloudEvents;
using AgentCloud.EventBus.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AgentCloud.EventBus.Outbox;

/// <summary>
/// Stages an event in a DbContext: it is inserted by the same <c>SaveChanges</c> (and transaction) as the change it
/// announces, and published afterwards by the relay. Rolled back with the change, never lost after a commit.
/// </summary>
public interface IIntegrationEventOutbox
{
    void Add(DbContext context, IntegrationEvent @event);
}

sealed class IntegrationEventOutbox(IOptions<EventBusOptions> options, OutboxSignal signal) : IIntegrationEventOutbox
{
    public void Add(DbContext context, IntegrationEvent @event)
    {
        var cloudEvent = CloudEventSerializer.Wrap(@event, options.Value.AppId, Activity.Current);
        context.Set<OutboxMessage>().Add(new OutboxMessage
        {
            Id = Guid.CreateVersion7(),
            Topic = cloudEvent.Type,
            CloudEvent = CloudEventSerializer.Serialize(cloudEvent),
            CreatedAt = DateTimeOffset.UtcNow,
        });
        // Nudges the relay once saved; inside an explicit transaction the row shows only after the commit, so the
        // relay's poll interval bounds that case's latency. The handler removes itself: contexts are pooled.
        EventHandler<SavedChangesEventArgs>? nudge = null;
        nudge = (_, _) =>
        {
            context.SavedChanges -= nudge;
            signal.Notify();
        };
        context.SavedChanges += nudge;
    }
}
