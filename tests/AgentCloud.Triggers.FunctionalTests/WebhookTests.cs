using System.Net;
using System.Net.Http.Json;
using System.Text;
using AgentCloud.Contracts.Triggers;
using AgentCloud.Triggers.Webhooks;
using Xunit;

namespace AgentCloud.Triggers.FunctionalTests;

public sealed class WebhookTests(TriggersFactory factory) : IClassFixture<TriggersFactory>
{
    /// <summary>A delivery signed the Standard Webhooks way with the trigger's secret (or another), at a given time.</summary>
    public static HttpRequestMessage Signed(TriggerDetails trigger, string id, string body, DateTimeOffset? at = null, string? secret = null)
    {
        var timestamp = (at ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds();
        var request = new HttpRequestMessage(HttpMethod.Post, $"/hooks/{trigger.TriggerId}") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("webhook-id", id);
        request.Headers.Add("webhook-timestamp", timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add("webhook-signature", WebhookSignature.Sign(secret ?? trigger.Webhook!.Secret!, id, timestamp, Encoding.UTF8.GetBytes(body)));
        return request;
    }

    [Fact]
    public async Task A_signed_delivery_fires_once_with_its_body_and_a_retried_one_is_acknowledged_without_a_second_event()
    {
        var tenant = new TestTenant(factory);
        var conversation = Guid.NewGuid();
        var trigger = await tenant.CreateAsync(new { system = "webhook", options = new { }, conversation_id = conversation });
        var client = factory.CreateClient();

        using var first = await client.SendAsync(Signed(trigger, "msg_2Kx", """{"type":"invoice.paid","amount":42}"""));
        using var retried = await client.SendAsync(Signed(trigger, "msg_2Kx", """{"type":"invoice.paid","amount":42}"""));
        var firstDelivery = await first.Content.ReadFromJsonAsync<Apis.WebhooksApi.Delivery>();
        var retriedDelivery = await retried.Content.ReadFromJsonAsync<Apis.WebhooksApi.Delivery>();

        Assert.Equal((HttpStatusCode.OK, false), (first.StatusCode, firstDelivery!.Duplicate));
        Assert.Equal((HttpStatusCode.OK, true, firstDelivery.EventId), (retried.StatusCode, retriedDelivery!.Duplicate, retriedDelivery.EventId));
        var fired = Assert.Single(await tenant.OutboxAsync()).Event;
        Assert.Equal((trigger.TriggerId, "webhook", conversation, firstDelivery.EventId.ToString()), (fired.TriggerId, fired.System, fired.ConversationId, fired.Id));
        Assert.Equal(42, fired.Payload.GetProperty("body").GetProperty("amount").GetInt32());
        Assert.Equal("msg_2Kx", fired.Payload.GetProperty("webhook_id").GetString());
    }

    [Fact]
    public async Task Concurrent_duplicate_deliveries_start_one_run()
    {
        var tenant = new TestTenant(factory);
        var trigger = await tenant.CreateAsync(new { system = "webhook", options = new { } });
        var client = factory.CreateClient();

        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => client.SendAsync(Signed(trigger, "msg_same", """{"a":1}"""))));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
        Assert.Single(await tenant.EventsAsync(trigger.TriggerId));
        Assert.Single(await tenant.OutboxAsync());
    }

    [Fact]
    public async Task Bad_signatures_old_or_future_timestamps_and_replays_outside_the_window_are_refused_and_fire_nothing()
    {
        var tenant = new TestTenant(factory);
        var trigger = await tenant.CreateAsync(new { system = "webhook", options = new { } });
        var other = await tenant.CreateAsync(new { system = "webhook", options = new { } });
        var client = factory.CreateClient();
        var captured = Signed(trigger, "msg_old", """{"a":1}""", DateTimeOffset.UtcNow.AddMinutes(-6));

        var tampered = Signed(trigger, "msg_t", """{"a":1}""");
        tampered.Content = new StringContent("""{"a":2}""", Encoding.UTF8, "application/json");
        var renamed = Signed(trigger, "msg_r", """{"a":1}""");
        renamed.Headers.Remove("webhook-id");
        renamed.Headers.Add("webhook-id", "msg_other"); // the id is signed too: a replay cannot pose as a new delivery
        var cases = new (string Name, HttpRequestMessage Request, HttpStatusCode Expected)[]
        {
            ("another trigger's secret", Signed(trigger, "msg_1", """{"a":1}""", secret: other.Webhook!.Secret), HttpStatusCode.Unauthorized),
            ("tampered body", tampered, HttpStatusCode.Unauthorized),
            ("replayed under a new id", renamed, HttpStatusCode.Unauthorized),
            ("six minutes old", captured, HttpStatusCode.Unauthorized),
            ("six minutes ahead", Signed(trigger, "msg_f", """{"a":1}""", DateTimeOffset.UtcNow.AddMinutes(6)), HttpStatusCode.Unauthorized),
            ("no signature", Unsigned(trigger), HttpStatusCode.BadRequest),
        };
        foreach (var (name, request, expected) in cases)
        {
            using var response = await client.SendAsync(request);
            Assert.True(response.StatusCode == expected, $"{name}: {(int)response.StatusCode}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }

        Assert.Empty(await tenant.EventsAsync(trigger.TriggerId));
        Assert.Empty(await tenant.OutboxAsync());
    }

    [Fact]
    public async Task An_oversized_delivery_is_a_413_and_unknown_or_inactive_webhooks_are_404()
    {
        var tenant = new TestTenant(factory);
        var trigger = await tenant.CreateAsync(new { system = "webhook", options = new { } });
        var timer = await tenant.CreateTimerAsync(new { interval_seconds = 60 });
        var client = factory.CreateClient();
        var big = $$"""{"blob":"{{new string('x', 256 * 1024)}}"}""";

        using var oversized = await client.SendAsync(Signed(trigger, "msg_big", big));
        using var notAWebhook = await client.SendAsync(Signed(timer with { Webhook = trigger.Webhook }, "msg_1", "{}"));
        await tenant.PatchAsync(trigger.TriggerId, new { active = false });
        using var inactive = await client.SendAsync(Signed(trigger, "msg_2", "{}"));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, oversized.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, notAWebhook.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, inactive.StatusCode);
        Assert.Empty(await tenant.EventsAsync(trigger.TriggerId));
    }

    [Fact]
    public async Task A_rotated_secret_replaces_the_old_one()
    {
        var tenant = new TestTenant(factory);
        var trigger = await tenant.CreateAsync(new { system = "webhook", options = new { } });
        using var rotated = await tenant.Client.PostAsync($"/triggers/{trigger.TriggerId}/webhook-secret", null);
        var fresh = (await rotated.Content.ReadFromJsonAsync<TriggerDetails>())!;
        var client = factory.CreateClient();

        using var old = await client.SendAsync(Signed(trigger, "msg_a", "{}"));
        using var current = await client.SendAsync(Signed(fresh, "msg_b", "{}"));

        Assert.Equal(HttpStatusCode.Unauthorized, old.StatusCode);
        Assert.Equal(HttpStatusCode.OK, current.StatusCode);
    }

    static HttpRequestMessage Unsigned(TriggerDetails trigger) =>
        new(HttpMethod.Post, $"/hooks/{trigger.TriggerId}") { Content = new StringContent("{}", Encoding.UTF8, "application/json") };
}
