using System.Diagnostics;
using System.Text.Json;
using AgentCloud.EventBus.Abstractions;
using AgentCloud.EventBus.CloudEvents;

namespace AgentCloud.EventBus.Outbox;

/// <summary>
/// For code that writes with raw Npgsql instead of a DbContext (e.g. a batch of statements sent in one round trip):
/// the INSERT of one outbox row (<c>$1</c>…<c>$9</c>) and its values, the same row <see cref="IIntegrationEventOutbox"/>
/// stages. After the commit, call <see cref="IIntegrationEventOutbox.Nudge"/> so the relay publishes at once.
/// </summary>
public static class OutboxRows
{
    public const string InsertSql = """
        INSERT INTO event_bus_outbox (id, topic, event_id, time, subject, tenant_id, data, traceparent, tracestate, created_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7::json, $8, $9, now())
        """;

    /// <summary>The values of <see cref="InsertSql"/> for <paramref name="event"/>, traced as <paramref name="activity"/>.</summary>
    public static object?[] Values(IntegrationEvent @event, Activity? activity) =>
    [
        Guid.CreateVersion7(),
        EventTypes.NameOf(@event.GetType()),
        @event.Id,
        @event.Time,
        @event.Subject,
        @event.TenantId,
        JsonSerializer.Serialize(@event, @event.GetType(), CloudEventSerializer.Options),
        CloudEventSerializer.TraceParentOf(activity),
        activity?.TraceStateString,
    ];
}
