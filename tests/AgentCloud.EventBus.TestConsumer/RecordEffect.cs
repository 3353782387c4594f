using System.Diagnostics;
using AgentCloud.EventBus.Abstractions;
using AgentCloud.EventBus.Hosting;
using Microsoft.Extensions.Options;

namespace AgentCloud.EventBus.TestConsumer;

public sealed class RecordEffect(IServiceProvider services, HandlerProbe probe, IOptions<EventBusOptions> options)
    : IIntegrationEventHandler<WorkRequested>
{
    public async Task HandleAsync(WorkRequested @event, CancellationToken cancellationToken)
    {
        var attempt = probe.NextAttempt(@event.Id);
        var activity = Activity.Current;
        probe.Record(new HandlerCall(@event.Id, @event.Key, options.Value.ConsumerName, attempt,
            activity?.TraceId ?? default, activity?.ParentSpanId ?? default, DateTimeOffset.UtcNow));
        if (@event.DelayMs > 0)
        {
            await Task.Delay(@event.DelayMs, cancellationToken);
        }
        if (probe.FailAll || attempt <= @event.FailTimes)
        {
            throw new InvalidOperationException($"Planned failure of {@event.Key}, attempt {attempt}");
        }
        if (services.GetService(typeof(EffectsDbContext)) is EffectsDbContext db)
        {
            db.Effects.Add(new Effect
            {
                Id = Guid.NewGuid(),
                EventId = @event.Id,
                WorkKey = @event.Key,
                Consumer = options.Value.ConsumerName,
                CreatedAt = DateTimeOffset.UtcNow,
            });
            await db.SaveChangesAsync(cancellationToken);
        }
    }
}
