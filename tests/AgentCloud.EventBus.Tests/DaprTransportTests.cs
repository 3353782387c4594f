using System.Net.Http.Json;
using System.Text.Json;
using AgentCloud.EventBus.TestConsumer;
using AgentCloud.EventBus.Tests.Support;
using Xunit;

namespace AgentCloud.EventBus.Tests;

public sealed class DaprTransportTests
{
    const string Topic = "agentcloud.test.work-requested";

    static async Task<(FakeDaprSidecar, RunningApp)> StartAsync(string? appApiToken = null)
    {
        var sidecar = await FakeDaprSidecar.StartAsync();
        var app = await RunningApp.StartAsync(new Dictionary<string, string?>
        {
            ["Secrets:JwtSigningKey"] = AgentCloud.Testing.TestTokens.SigningKey,
            ["APP_API_TOKEN"] = appApiToken,
            ["EventBus:Transport"] = "dapr",
            ["EventBus:AppId"] = "worker",
            ["EventBus:PubSubName"] = "agentcloud-pubsub",
            ["DAPR_HTTP_PORT"] = sidecar.Port.ToString(),
        });
        return (sidecar, app);
    }

    [Fact]
    public async Task Publish_posts_the_cloud_event_to_the_sidecar_publish_endpoint()
    {
        var (sidecar, app) = await StartAsync();
        await using var _ = sidecar;
        await using var __ = app;

        var @event = new WorkRequested("via-dapr") { TenantId = "t-1" };
        await app.Bus.PublishAsync(@event);

        var published = Assert.Single(sidecar.Published);
        Assert.Equal("agentcloud-pubsub", published.PubSub);
        Assert.Equal(Topic, published.Topic);
        Assert.StartsWith("application/cloudevents+json", published.ContentType);
        var json = JsonDocument.Parse(published.Body).RootElement;
        Assert.Equal("1.0", json.GetProperty("specversion").GetString());
        Assert.Equal(@event.Id, json.GetProperty("id").GetString());
        Assert.Equal("worker", json.GetProperty("source").GetString());
        Assert.Equal("t-1", json.GetProperty("tenantid").GetString());
        Assert.Equal("via-dapr", json.GetProperty("data").GetProperty("key").GetString());
    }

    [Fact]
    public async Task App_declares_its_subscriptions_programmatically()
    {
        var (sidecar, app) = await StartAsync();
        await using var _ = sidecar;
        await using var __ = app;

        var subscriptions = await app.Http.GetFromJsonAsync<JsonElement>("/dapr/subscribe");

        var subscription = Assert.Single(subscriptions.EnumerateArray());
        Assert.Equal("agentcloud-pubsub", subscription.GetProperty("pubsubname").GetString());
        Assert.Equal(Topic, subscription.GetProperty("topic").GetString());
        Assert.StartsWith("/", subscription.GetProperty("route").GetString());
        Assert.Equal($"{Topic}.deadletter.worker", subscription.GetProperty("deadLetterTopic").GetString());
    }

    [Fact]
    public async Task Deliveries_are_answered_success_retry_or_drop()
    {
        var (sidecar, app) = await StartAsync();
        await using var _ = sidecar;
        await using var __ = app;

        var ok = new WorkRequested("ok");
        var flaky = new WorkRequested("flaky", FailTimes: 1);
        await app.Bus.PublishAsync(ok);
        await app.Bus.PublishAsync(flaky);
        var bodies = sidecar.Published.Select(p => p.Body).ToList();

        Assert.Equal("SUCCESS", await FakeDaprSidecar.DeliverAsync(app.Http, "agentcloud-pubsub", Topic, bodies[0]));
        Assert.Equal("RETRY", await FakeDaprSidecar.DeliverAsync(app.Http, "agentcloud-pubsub", Topic, bodies[1]));
        Assert.Equal("SUCCESS", await FakeDaprSidecar.DeliverAsync(app.Http, "agentcloud-pubsub", Topic, bodies[1]));
        Assert.Equal("DROP", await FakeDaprSidecar.DeliverAsync(app.Http, "agentcloud-pubsub", Topic, "{not json"));
        Assert.Equal([ok.Id, flaky.Id, flaky.Id], app.Probe.Calls.Select(c => c.EventId));
        Assert.Equal("ok", app.Probe.Calls.First().Key);
    }

    [Fact]
    public async Task With_APP_API_TOKEN_set_only_a_sidecar_presenting_it_may_deliver()
    {
        var (sidecar, app) = await StartAsync(appApiToken: "sidecar-secret");
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
}
