namespace AgentCloud.EventBus.Abstractions;

/// <summary>Reacts to one event type. Throwing means "not handled": the event is retried, then dead-lettered.</summary>
public interface IIntegrationEventHandler<in TEvent> where TEvent : IntegrationEvent
{
    Task HandleAsync(TEvent @event, CancellationToken cancellationToken);
}
