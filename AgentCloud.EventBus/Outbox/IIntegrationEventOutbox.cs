using System.Diagnostics;
using System.Text.Json;
using AgentCloud.EventBus.Abstractions;
using AgentCloud.EventBus.CloudEvents;
using Microsoft.EntityFrameworkCore;

namespace AgentCloud.EventBus.Outbox;

/// <summary>
/// Stages an event in a DbContext: it is inserted by the same <c>SaveChanges</c> (and transaction) as the change it
/// announces, and published afterwards by the relay. Rolled back with the change, never lost after a commit.
/// </summary>
public interface IIntegrationEventOutbox
{
    void Add(DbContext context, IntegrationEvent @event);

    /// <summary>Wakes the relay after rows staged outside a DbContext (<see cref="OutboxRows"/>) were committed.</summary>
    void Nudge();
}

sealed class IntegrationEventOutbox(OutboxSignal signal) : IIntegrationEventOutbox
{
    public void Nudge() => signal.Notify();

    public void Add(DbContext context, IntegrationEvent @event)
    {
        var activity = Activity.Current;
        context.Set<OutboxMessage>().Add(new OutboxMessage
        {
            Id = Guid.CreateVersion7(),
            Topic = EventTypes.NameOf(@event.GetType()),
            EventId = @event.Id,
            Time = @event.Time,
            Subject = @event.Subject,
            TenantId = @event.TenantId,
            Data = JsonSerializer.Serialize(@event, @event.GetType(), CloudEventSerializer.Options),
            TraceParent = CloudEventSerializer.TraceParentOf(activity),
            TraceState = activity?.TraceStateString,
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
