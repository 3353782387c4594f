using AgentCloud.EventBus.Abstractions;
using AgentCloud.EventBus.CloudEvents;
using CloudNative.CloudEvents;
using Microsoft.Extensions.DependencyInjection;

namespace AgentCloud.EventBus.Hosting;

/// <summary>The topics this service subscribes to and, for each, the handlers to run.</summary>
public sealed class Subscriptions
{
    readonly Dictionary<string, List<Subscription>> _byTopic = [];

    public IReadOnlyCollection<string> Topics => _byTopic.Keys;

    public IReadOnlyList<Subscription> For(string topic) => _byTopic.TryGetValue(topic, out var list) ? list : [];

    public void Add<TEvent, THandler>()
        where TEvent : IntegrationEvent
        where THandler : IIntegrationEventHandler<TEvent>
    {
        var topic = EventTypes.NameOf<TEvent>();
        if (!_byTopic.TryGetValue(topic, out var list))
        {
            _byTopic[topic] = list = [];
        }
        if (list.All(s => s.HandlerType != typeof(THandler)))
        {
            list.Add(new Subscription(topic, typeof(TEvent), typeof(THandler), (services, cloudEvent, cancellationToken) =>
                services.GetRequiredService<THandler>().HandleAsync((TEvent)CloudEventSerializer.Unwrap(cloudEvent, typeof(TEvent)), cancellationToken)));
        }
    }
}

public sealed record Subscription(string Topic, Type EventType, Type HandlerType, Func<IServiceProvider, CloudEvent, CancellationToken, Task> Invoke);
