using System.Diagnostics;
using System.Diagnostics.Metrics;
using AgentCloud.EventBus.CloudEvents;
using CloudNative.CloudEvents;

namespace AgentCloud.EventBus.Telemetry;

/// <summary>The bus's spans and metrics; ServiceDefaults' telemetry already listens to <c>AgentCloud.*</c>.</summary>
public static class EventBusTelemetry
{
    public const string Name = "AgentCloud.EventBus";

    public static readonly ActivitySource Source = new(Name);

    static readonly Meter Meter = new(Name);

    public static readonly Counter<long> Published = Meter.CreateCounter<long>("eventbus.events.published", "{event}");
    public static readonly Counter<long> Handled = Meter.CreateCounter<long>("eventbus.events.handled", "{event}");
    public static readonly Counter<long> Retried = Meter.CreateCounter<long>("eventbus.events.retried", "{event}");
    public static readonly Counter<long> DeadLettered = Meter.CreateCounter<long>("eventbus.events.dead_lettered", "{event}");
    public static readonly Counter<long> Duplicates = Meter.CreateCounter<long>("eventbus.events.duplicates", "{event}");
    public static readonly Histogram<double> HandlerDuration = Meter.CreateHistogram<double>("eventbus.handler.duration", "ms");

    public static Activity? StartPublish(string topic, ActivityContext parent = default) =>
        Source.StartActivity($"publish {topic}", ActivityKind.Producer, parent)?
            .SetTag("messaging.system", "agentcloud.eventbus")
            .SetTag("messaging.destination.name", topic);

    /// <summary>
    /// A publish span in the event's trace when the caller is not in it already (the outbox relay, which publishes
    /// events of many requests), so the transport's own spans (Redis, the Dapr call) land in the trace that caused it.
    /// </summary>
    public static Activity? ContinueTrace(CloudEvent cloudEvent) =>
        ActivityContext.TryParse((string?)cloudEvent[CloudEventSerializer.TraceParent], (string?)cloudEvent[CloudEventSerializer.TraceState],
            isRemote: true, out var parent) && parent.TraceId != Activity.Current?.TraceId
            ? StartPublish(cloudEvent.Type!, parent)
            : null;

    /// <summary>Continues the publisher's trace: the parent is the <c>traceparent</c> carried in the event.</summary>
    public static Activity? StartProcess(CloudEvent cloudEvent, string consumerGroup)
    {
        ActivityContext.TryParse((string?)cloudEvent[CloudEventSerializer.TraceParent], (string?)cloudEvent[CloudEventSerializer.TraceState],
            isRemote: true, out var parent);
        return Source.StartActivity($"process {cloudEvent.Type}", ActivityKind.Consumer, parent)?
            .SetTag("messaging.system", "agentcloud.eventbus")
            .SetTag("messaging.destination.name", cloudEvent.Type)
            .SetTag("messaging.message.id", cloudEvent.Id)
            .SetTag("messaging.consumer.group.name", consumerGroup);
    }
}
