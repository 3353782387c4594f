using System.Collections.Concurrent;
using AgentCloud.Contracts.Triggers;
using AgentCloud.EventBus.Abstractions;

namespace AgentCloud.Triggers.Benchmarks;

/// <summary>Every TriggerFired delivered to the benchmark's consumer group, with when it arrived (no inbox: duplicates show).</summary>
sealed class FiredRecorder
{
    public sealed record Delivery(string EventId, Guid TriggerId, DateTimeOffset ScheduledFor, DateTimeOffset FiredAt, DateTimeOffset ReceivedAt);

    public ConcurrentQueue<Delivery> Deliveries { get; } = new();

    public void Record(TriggerFired fired) => Deliveries.Enqueue(new Delivery(fired.Id, fired.TriggerId,
        fired.Payload.GetProperty("scheduled_for").GetDateTimeOffset(), fired.Timestamp, DateTimeOffset.UtcNow));
}

sealed class RecordingHandler(FiredRecorder recorder) : IIntegrationEventHandler<TriggerFired>
{
    public Task HandleAsync(TriggerFired @event, CancellationToken cancellationToken)
    {
        recorder.Record(@event);
        return Task.CompletedTask;
    }
}
