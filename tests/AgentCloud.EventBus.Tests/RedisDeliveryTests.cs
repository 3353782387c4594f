using System.Diagnostics;
using System.Text.Json;
using AgentCloud.EventBus.Redis;
using AgentCloud.EventBus.Telemetry;
using AgentCloud.EventBus.TestConsumer;
using AgentCloud.EventBus.Tests.Support;
using Xunit;

namespace AgentCloud.EventBus.Tests;

public sealed class RedisDeliveryTests
{
    static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task Published_event_is_a_cloud_event_on_the_topic_stream_and_is_handled_then_acked()
    {
        var settings = await TestSettings.ForRedisAsync();
        await using var app = await RunningApp.StartAsync(settings);
        var keys = new StreamKeys(settings["EventBus:StreamPrefix"]!);
        var stream = keys.Stream("agentcloud.test.work-requested");

        var @event = new WorkRequested("hello") { TenantId = "tenant-1" };
        await app.Bus.PublishAsync(@event);
        await app.Probe.WaitForAsync(calls => calls.Any(c => c.EventId == @event.Id), Timeout);

        var field = (await (await TestSettings.RedisAsync()).StreamRangeAsync(stream, "-", "+")).Single().Values.Single();
        Assert.Equal("event", field.Name);
        var wire = JsonDocument.Parse((string)field.Value!).RootElement;
        Assert.Equal(@event.Id, wire.GetProperty("id").GetString());
        Assert.Equal("worker", wire.GetProperty("source").GetString());
        Assert.Equal("tenant-1", wire.GetProperty("tenantid").GetString());
        await Probes.EventuallyAsync(async () => await Probes.PendingCountAsync(stream, "worker") == 0, Timeout, "acked");
        Assert.Single(app.Probe.Calls);
    }

    [Fact]
    public async Task Handler_span_continues_the_publishers_trace()
    {
        var settings = await TestSettings.ForRedisAsync();
        await using var app = await RunningApp.StartAsync(settings);
        var spans = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == EventBusTelemetry.Name || s.Name == "test.http",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => { lock (spans) { spans.Add(a); } },
        };
        ActivitySource.AddActivityListener(listener);
        using var source = new ActivitySource("test.http");

        var @event = new WorkRequested("traced");
        ActivityTraceId traceId;
        using (var request = source.StartActivity("POST /runs", ActivityKind.Server))
        {
            traceId = request!.TraceId;
            await app.Bus.PublishAsync(@event);
        }
        await app.Probe.WaitForAsync(calls => calls.Any(c => c.EventId == @event.Id), Timeout);

        var call = app.Probe.Calls.Single(c => c.EventId == @event.Id);
        Assert.Equal(traceId, call.TraceId);
        await Probes.EventuallyAsync(() => Task.FromResult(spans.ToArray().Any(s => s.Kind == ActivityKind.Consumer && s.TraceId == traceId)), Timeout, "consumer span");
        var publish = spans.ToArray().Single(s => s.Kind == ActivityKind.Producer && s.TraceId == traceId);
        var process = spans.ToArray().Single(s => s.Kind == ActivityKind.Consumer && s.TraceId == traceId);
        Assert.Equal(publish.SpanId, process.ParentSpanId);
        Assert.Equal(@event.Id, process.GetTagItem("messaging.message.id"));
    }

    [Fact]
    public async Task Idle_consumer_is_woken_by_the_notification_not_the_fallback_poll()
    {
        var settings = (await TestSettings.ForRedisAsync()).With("EventBus:IdlePollInterval", "00:00:30");
        await using var app = await RunningApp.StartAsync(settings);
        await Task.Delay(300); // let the consumer go idle

        var started = Stopwatch.StartNew();
        var @event = new WorkRequested("wake");
        await app.Bus.PublishAsync(@event);
        await app.Probe.WaitForAsync(calls => calls.Any(c => c.EventId == @event.Id), TimeSpan.FromSeconds(10));

        Assert.True(started.Elapsed < TimeSpan.FromSeconds(5), $"took {started.Elapsed}");
    }
}
