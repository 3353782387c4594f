using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using AgentCloud.EventBus.Outbox;
using AgentCloud.EventBus.TestConsumer;
using AgentCloud.EventBus.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using Xunit.Abstractions;

namespace AgentCloud.EventBus.Tests;

/// <summary>The Dapr transport through the Dapr SDK, against <see cref="FakeDaprSidecar"/> (a test stand-in, not daprd).</summary>
public sealed class DaprTransportTests(ITestOutputHelper output)
{
    const string Topic = "agentcloud.test.work-requested";
    static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    static async Task<(FakeDaprSidecar, RunningApp)> StartAsync(string? appApiToken = null, int maxAttempts = 3, bool attach = true,
        Dictionary<string, string?>? settings = null)
    {
        var sidecar = await FakeDaprSidecar.StartAsync(maxAttempts, appApiToken);
        var app = await RunningApp.StartAsync(new Dictionary<string, string?>(settings ?? [])
        {
            ["Secrets:JwtSigningKey"] = AgentCloud.Testing.TestTokens.SigningKey,
            ["APP_API_TOKEN"] = appApiToken,
            ["EventBus:Transport"] = "dapr",
            ["EventBus:AppId"] = "worker",
            ["EventBus:PubSubName"] = "agentcloud-pubsub",
            ["DAPR_GRPC_PORT"] = sidecar.GrpcPort.ToString(),
        });
        if (attach)
        {
            await sidecar.AttachAppAsync(app.Http.BaseAddress!);
        }
        return (sidecar, app);
    }

    /// <summary>Spans of the bus, ASP.NET Core and HttpClient are recorded, as a service's OpenTelemetry would.</summary>
    static ActivityListener ListenToSpans() 
    {
        var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name is "AgentCloud.EventBus" or "Microsoft.AspNetCore" or "System.Net.Http" || s.Name.StartsWith("test.", StringComparison.Ordinal),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }

    [Fact]
    public async Task Publish_goes_through_DaprClient_as_our_cloud_event()
    {
        var (sidecar, app) = await StartAsync(attach: false);
        await using var _ = sidecar;
        await using var __ = app;

        var @event = new WorkRequested("via-dapr") { TenantId = "t-1", Subject = "runs/7" };
        await app.Bus.PublishAsync(@event);

        var published = Assert.Single(sidecar.Published);
        output.WriteLine($"Runtime calls made by DaprClient: {string.Join(", ", sidecar.RuntimeCalls)}");
        Assert.Contains("dapr.proto.runtime.v1.Dapr/PublishEvent", sidecar.RuntimeCalls);
        Assert.Equal("agentcloud-pubsub", published.PubSub);
        Assert.Equal(Topic, published.Topic);
        Assert.Equal("application/cloudevents+json", published.ContentType);
        var json = JsonDocument.Parse(published.Body).RootElement;
        Assert.Equal("1.0", json.GetProperty("specversion").GetString());
        Assert.Equal(@event.Id, json.GetProperty("id").GetString());
        Assert.Equal("worker", json.GetProperty("source").GetString());
        Assert.Equal(Topic, json.GetProperty("type").GetString());
        Assert.Equal("runs/7", json.GetProperty("subject").GetString());
        Assert.Equal("t-1", json.GetProperty("tenantid").GetString());
        Assert.Equal("via-dapr", json.GetProperty("data").GetProperty("key").GetString());
    }

    [Fact]
    public async Task App_declares_its_subscriptions_the_Dapr_way_for_the_sidecar_to_discover()
    {
        var (sidecar, app) = await StartAsync(attach: false);
        await using var _ = sidecar;
        await using var __ = app;

        var subscriptions = await app.Http.GetFromJsonAsync<JsonElement>("/dapr/subscribe");

        // MapSubscribeHandler's camelCase names (daprd reads them case-insensitively) and routes without a leading slash.
        var subscription = Assert.Single(subscriptions.EnumerateArray());
        Assert.Equal("agentcloud-pubsub", subscription.GetProperty("pubsubName").GetString());
        Assert.Equal(Topic, subscription.GetProperty("topic").GetString());
        Assert.Equal($"eventbus/dapr/{Topic}", subscription.GetProperty("route").GetString());
        Assert.Equal($"{Topic}.deadletter.worker", subscription.GetProperty("deadLetterTopic").GetString());
    }

    [Fact]
    public async Task Sidecar_delivers_the_publishers_event_in_the_publishers_trace()
    {
        using var listener = ListenToSpans();
        using var source = new ActivitySource("test.dapr");
        var (sidecar, app) = await StartAsync();
        await using var _ = sidecar;
        await using var __ = app;

        var @event = new WorkRequested("delivered") { TenantId = "t-2", Subject = "s-2" };
        ActivityTraceId traceId;
        using (var request = source.StartActivity("POST /work", ActivityKind.Server))
        {
            traceId = request!.TraceId;
            await app.Bus.PublishAsync(@event);
        }
        await app.Probe.WaitForAsync(calls => calls.Count == 1, Timeout);
        await sidecar.IdleAsync();

        var call = Assert.Single(app.Probe.Calls);
        Assert.Equal((@event.Id, "delivered"), (call.EventId, call.Key));
        Assert.Equal(traceId, call.TraceId);
        Assert.Equal([new DeliveryAttempt(Topic, @event.Id, 1, "SUCCESS")], sidecar.Deliveries);
    }

    [Fact]
    public async Task Failed_handling_is_redelivered_until_it_succeeds_and_dead_lettered_after_the_last_attempt()
    {
        var (sidecar, app) = await StartAsync(maxAttempts: 3);
        await using var _ = sidecar;
        await using var __ = app;

        var flaky = new WorkRequested("flaky", FailTimes: 2);
        var poison = new WorkRequested("poison", FailTimes: 10);
        await app.Bus.PublishAsync(flaky);
        await app.Bus.PublishAsync(poison);
        await app.Probe.WaitForAsync(calls => calls.Count == 6, Timeout);
        await sidecar.IdleAsync();

        Assert.Equal(["RETRY", "RETRY", "SUCCESS"], sidecar.Deliveries.Where(d => d.EventId == flaky.Id).OrderBy(d => d.Attempt).Select(d => d.Status));
        Assert.Equal(["RETRY", "RETRY", "RETRY"], sidecar.Deliveries.Where(d => d.EventId == poison.Id).Select(d => d.Status));
        var (deadLetterTopic, deadLetter) = Assert.Single(sidecar.DeadLettered);
        Assert.Equal(($"{Topic}.deadletter.worker", poison.Id), (deadLetterTopic, deadLetter["id"]!.GetValue<string>()));
        Assert.Equal([1, 2, 3], app.Probe.Calls.Where(c => c.EventId == flaky.Id).Select(c => c.Attempt).Order());
    }

    [Fact]
    public async Task Deliveries_it_cannot_read_or_handle_are_dropped()
    {
        var (sidecar, app) = await StartAsync(attach: false);
        await using var _ = sidecar;
        await using var __ = app;
        var ok = new WorkRequested("ok");
        await app.Bus.PublishAsync(ok);
        var body = Assert.Single(sidecar.Published).Body;

        Assert.Equal("SUCCESS", await FakeDaprSidecar.DeliverAsync(app.Http, "agentcloud-pubsub", Topic, body));
        Assert.Equal("DROP", await FakeDaprSidecar.DeliverAsync(app.Http, "agentcloud-pubsub", Topic, """{"specversion":"1.0","data":{"key":"x"}}"""));
        Assert.Equal("DROP", await FakeDaprSidecar.DeliverAsync(app.Http, "agentcloud-pubsub", Topic,
            body.Replace(Topic, "agentcloud.test.nobody-handles-this", StringComparison.Ordinal)));
        Assert.Equal([ok.Id], app.Probe.Calls.Select(c => c.EventId));
    }

    [Fact]
    public async Task With_APP_API_TOKEN_set_only_a_sidecar_presenting_it_may_deliver()
    {
        var (sidecar, app) = await StartAsync(appApiToken: "sidecar-secret", attach: false);
        await using var _ = sidecar;
        await using var __ = app;
        var @event = new WorkRequested("guarded");
        await app.Bus.PublishAsync(@event);
        var body = Assert.Single(sidecar.Published).Body;

        await Assert.ThrowsAsync<HttpRequestException>(() => FakeDaprSidecar.DeliverAsync(app.Http, "agentcloud-pubsub", Topic, body, "wrong"));
        Assert.Empty(app.Probe.Calls);

        Assert.Equal("SUCCESS", await FakeDaprSidecar.DeliverAsync(app.Http, "agentcloud-pubsub", Topic, body, "sidecar-secret"));
        Assert.Equal([@event.Id], app.Probe.Calls.Select(c => c.EventId));
    }

    [Fact]
    public async Task An_event_relayed_from_the_outbox_reaches_the_handler_in_the_trace_of_the_change()
    {
        using var listener = ListenToSpans();
        using var source = new ActivitySource("test.outbox");
        var (sidecar, app) = await StartAsync(settings: await new Dictionary<string, string?> { ["EventBus:OutboxPollInterval"] = "00:00:00.100" }
            .WithDatabaseAsync());
        await using var _ = sidecar;
        await using var __ = app;

        var @event = new WorkRequested("from-the-outbox");
        ActivityTraceId traceId;
        using (var request = source.StartActivity("POST /work", ActivityKind.Server))
        {
            traceId = request!.TraceId;
            await using var scope = app.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<EffectsDbContext>();
            scope.ServiceProvider.GetRequiredService<IIntegrationEventOutbox>().Add(db, @event);
            await db.SaveChangesAsync();
        }
        await app.Probe.WaitForAsync(calls => calls.Count == 1, Timeout);

        Assert.Equal((@event.Id, traceId), (app.Probe.Calls.Single().EventId, app.Probe.Calls.Single().TraceId));
    }
}
