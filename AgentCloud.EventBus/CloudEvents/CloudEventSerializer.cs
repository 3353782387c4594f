using System.Diagnostics;
using System.Text.Json;
using AgentCloud.EventBus.Abstractions;
using CloudNative.CloudEvents;
using CloudNative.CloudEvents.SystemTextJson;

namespace AgentCloud.EventBus.CloudEvents;

/// <summary>
/// The envelope, defined once: CloudEvents 1.0 structured JSON with the W3C trace context (<c>traceparent</c>,
/// <c>tracestate</c>) and our <c>tenantid</c> extension. Direct publishes, the outbox relay (including rows billing's SQL
/// stages) and the Dapr transport all build their events with <see cref="Envelope"/>.
/// </summary>
public static class CloudEventSerializer
{
    public const string MediaType = "application/cloudevents+json";

    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    public static readonly CloudEventAttribute TraceParent = CloudEventAttribute.CreateExtension("traceparent", CloudEventAttributeType.String);

    public static readonly CloudEventAttribute TraceState = CloudEventAttribute.CreateExtension("tracestate", CloudEventAttributeType.String);

    public static readonly CloudEventAttribute TenantId = CloudEventAttribute.CreateExtension("tenantid", CloudEventAttributeType.String);

    static readonly CloudEventAttribute[] Extensions = [TraceParent, TraceState, TenantId];

    static readonly JsonEventFormatter Formatter = new(Options, default);

    /// <summary>
    /// <paramref name="data"/> is the event record (serialized with <see cref="Options"/>) or its JSON as a
    /// <see cref="JsonElement"/>; either way it is written compactly, so the same values give the same bytes.
    /// </summary>
    public static CloudEvent Envelope(string id, string type, string source, DateTimeOffset? time, string? subject, string? tenantId,
        object data, string? traceParent, string? traceState) => new(Extensions)
        {
            Id = id,
            Type = type,
            Source = new Uri(source, UriKind.RelativeOrAbsolute),
            Time = time,
            Subject = subject,
            DataContentType = "application/json",
            Data = data,
            [TraceParent] = traceParent,
            [TraceState] = traceState,
            [TenantId] = tenantId,
        };

    /// <summary>Wraps an event; the trace context is the current activity's, so the consumer's span joins this trace.</summary>
    public static CloudEvent Wrap(IntegrationEvent @event, string source, Activity? activity) =>
        Envelope(@event.Id, EventTypes.NameOf(@event.GetType()), source, @event.Time, @event.Subject, @event.TenantId, @event,
            TraceParentOf(activity), activity?.TraceStateString);

    public static string? TraceParentOf(Activity? activity) =>
        activity is { IdFormat: ActivityIdFormat.W3C } ? activity.Id : null;

    public static IntegrationEvent Unwrap(CloudEvent cloudEvent, Type eventType)
    {
        var @event = cloudEvent.Data switch
        {
            JsonElement json => (IntegrationEvent?)json.Deserialize(eventType, Options),
            IntegrationEvent record => record,
            _ => null,
        } ?? throw new JsonException($"CloudEvent {cloudEvent.Id} has no data.");
        return @event with
        {
            Id = cloudEvent.Id!,
            Time = cloudEvent.Time ?? @event.Time,
            Subject = cloudEvent.Subject,
            TenantId = (string?)cloudEvent[TenantId],
        };
    }

    public static ReadOnlyMemory<byte> Serialize(CloudEvent cloudEvent) => Formatter.EncodeStructuredModeMessage(cloudEvent, out _);

    /// <summary>Throws <see cref="JsonException"/> for anything that is not a readable CloudEvent.</summary>
    public static CloudEvent Deserialize(ReadOnlyMemory<byte> json)
    {
        try
        {
            return Formatter.DecodeStructuredModeMessage(json, null, Extensions);
        }
        catch (ArgumentException e)
        {
            throw new JsonException($"Not a CloudEvent: {e.Message}", e);
        }
    }
}
