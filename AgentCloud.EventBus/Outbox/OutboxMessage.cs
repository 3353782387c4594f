using System.Text.Json;
using AgentCloud.EventBus.CloudEvents;
using CloudNative.CloudEvents;

namespace AgentCloud.EventBus.Outbox;

/// <summary>
/// An event waiting to be relayed, written in the transaction of the change it announces: its parts, not its envelope.
/// SQL can stage one too (billing's ledger functions do): the relay wraps every row with
/// <see cref="CloudEventSerializer.Envelope"/>, so C# and SQL events come out the same.
/// </summary>
public sealed class OutboxMessage
{
    public Guid Id { get; set; }

    /// <summary>The CloudEvent type, which is also the topic.</summary>
    public required string Topic { get; set; }

    public required string EventId { get; set; }

    public DateTimeOffset Time { get; set; }

    public string? Subject { get; set; }

    public string? TenantId { get; set; }

    /// <summary>The event's JSON (the CloudEvent's <c>data</c>).</summary>
    public required string Data { get; set; }

    public string? TraceParent { get; set; }

    public string? TraceState { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? PublishedAt { get; set; }

    public int Attempts { get; set; }

    /// <summary>The CloudEvent this row announces, from <paramref name="source"/> (the relaying service).</summary>
    public CloudEvent ToCloudEvent(string source) =>
        CloudEventSerializer.Envelope(EventId, Topic, source, Time, Subject, TenantId, JsonSerializer.Deserialize<JsonElement>(Data),
            TraceParent, TraceState);
}

/// <summary>An event a consumer group has processed; its presence makes a redelivery a no-op.</summary>
public sealed class InboxMessage
{
    public required string Consumer { get; set; }

    public required string EventId { get; set; }

    public DateTimeOffset ProcessedAt { get; set; }
}
