namespace AgentCloud.EventBus.Abstractions;

/// <summary>
/// Publishes an event now. An event that announces a database change goes through
/// <see cref="Outbox.IIntegrationEventOutbox"/> instead, so it commits with the change.
/// </summary>
public interface IEventBus
{
    Task PublishAsync(IntegrationEvent @event, CancellationToken cancellationToken = default);
}
