using System.Diagnostics;
using System.Text.Json;
using AgentCloud.EventBus.Abstractions;

namespace AgentCloud.EventBus.CloudEvents;

public static class CloudEventSerializer
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    /// <summary>Wraps an event; the trace context is the current activity's, so the consumer's span joins this trace.</summary>
    public static CloudEvent Wrap(IntegrationEvent @event, string source, Activity? activity) => new()
    {
        Id = @event.Id,
        Source = source,
        Type = EventTypes.NameOf(@event.GetType()),
        Time = @event.Time,
        Subject = @event.Subject,
        TenantId = @event.TenantId,
        Data = JsonSerializer.SerializeToElement(@event, @event.GetType(), Options),
        TraceParent = activity?.Id is { } id && activity.IdFormat == ActivityIdFormat.W3C ? id : null,
        TraceState = activity?.TraceStateString,
    };

    public static IntegrationEvent Unwrap(CloudEvent cloudEvent, Type eventType)
    {
        var @event = (IntegrationEvent?)cloudEvent.Data.Deserialize(eventType, Options)
            ?? throw new JsonException($"CloudEvent {cloudEvent.Id} has no data.");
        return @event with
        {
            Id = cloudEvent.Id,
            Time = cloudEvent.Time ?? @event.Time,
            Subject = cloudEvent.Subject,
            TenantId = cloudEvent.TenantId,
        };
    }

    public static string Serialize(CloudEvent cloudEvent) => JsonSerializer.Serialize(cloudEvent, Options);

    public static CloudEvent Deserialize(string json) =>
        JsonSerializer.Deserialize<CloudEvent>(json, Options) ?? throw new JsonException("Empty CloudEvent.");
}
