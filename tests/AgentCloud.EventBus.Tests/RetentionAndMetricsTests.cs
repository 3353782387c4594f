using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using AgentCloud.EventBus.Outbox;
using AgentCloud.EventBus.Telemetry;
using AgentCloud.EventBus.TestConsumer;
using AgentCloud.EventBus.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace AgentCloud.EventBus.Tests;

public sealed class RetentionAndMetricsTests
{
    static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task Published_outbox_rows_and_old_inbox_rows_are_deleted_after_their_retention()
    {
        var settings = (await (await TestSettings.ForRedisAsync()).WithDatabaseAsync())
            .With("EventBus:OutboxRetention", "00:00:01").With("EventBus:InboxRetention", "00:00:04")
            .With("EventBus:CleanupInterval", "00:00:00.200");
        var database = settings["ConnectionStrings:effectsdb"]!;
        await using var app = await RunningApp.StartAsync(settings);

        var @event = new WorkRequested("retained");
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<EffectsDbContext>();
            scope.ServiceProvider.GetRequiredService<IIntegrationEventOutbox>().Add(db, @event);
            await db.SaveChangesAsync();
        }
        await Probes.EventuallyAsync(async () => await Probes.ScalarAsync(database, "SELECT count(*) FROM event_bus_inbox") == 1, Timeout, "handled");

        await Probes.EventuallyAsync(async () => await Probes.ScalarAsync(database, "SELECT count(*) FROM event_bus_outbox") == 0, Timeout, "outbox cleaned");
        Assert.Equal(1, await Probes.ScalarAsync(database, "SELECT count(*) FROM event_bus_inbox")); // inbox kept longer
        await Probes.EventuallyAsync(async () => await Probes.ScalarAsync(database, "SELECT count(*) FROM event_bus_inbox") == 0, Timeout, "inbox cleaned");
        Assert.Equal(1, await Probes.ScalarAsync(database, "SELECT count(*) FROM effects WHERE event_id = @id", ("id", @event.Id)));
    }

    [Fact]
    public async Task Bus_reports_published_handled_retried_dead_lettered_and_handler_duration()
    {
        var measurements = new ConcurrentQueue<string>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == EventBusTelemetry.Name)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((instrument, _, _, _) => measurements.Enqueue(instrument.Name));
        listener.SetMeasurementEventCallback<double>((instrument, _, _, _) => measurements.Enqueue(instrument.Name));
        listener.Start();
        var settings = (await TestSettings.ForRedisAsync()).With("EventBus:MaxAttempts", "2");
        await using var app = await RunningApp.StartAsync(settings);

        var poison = new WorkRequested("metrics-poison", FailTimes: 5);
        var fine = new WorkRequested("metrics-fine");
        await app.Bus.PublishAsync(poison);
        await app.Bus.PublishAsync(fine);
        await Probes.EventuallyAsync(() => Task.FromResult(measurements.Contains("eventbus.events.dead_lettered") && measurements.Contains("eventbus.events.handled")), Timeout, "metrics");

        Assert.Contains("eventbus.events.published", measurements);
        Assert.Contains("eventbus.events.retried", measurements);
        Assert.Contains("eventbus.handler.duration", measurements);
    }
}
