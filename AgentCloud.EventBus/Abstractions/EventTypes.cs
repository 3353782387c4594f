using System.Collections.Concurrent;
using System.Reflection;

namespace AgentCloud.EventBus.Abstractions;

public static class EventTypes
{
    static readonly ConcurrentDictionary<Type, string> Names = new();

    /// <summary>The CloudEvent type of <paramref name="eventType"/>; the topic is the same string.</summary>
    public static string NameOf(Type eventType) =>
        Names.GetOrAdd(eventType, t => t.GetCustomAttribute<EventTypeAttribute>()?.Type ?? t.Name);

    public static string NameOf<TEvent>() where TEvent : IntegrationEvent => NameOf(typeof(TEvent));
}
