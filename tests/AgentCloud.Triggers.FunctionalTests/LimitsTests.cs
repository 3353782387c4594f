using System.Net;
using Xunit;

namespace AgentCloud.Triggers.FunctionalTests;

/// <summary>A tenant's trigger count and webhook rate, with small limits so the test reaches them.</summary>
public sealed class LimitsTests : IClassFixture<LimitsTests.SmallLimits>
{
    public sealed class SmallLimits : TriggersFactory
    {
        public SmallLimits()
        {
            WithSetting("Triggers:MaxTriggersPerTenant", "5");
            WithSetting("Triggers:WebhooksPerTenantPerMinute", "3");
        }
    }

    readonly SmallLimits _factory;

    public LimitsTests(SmallLimits factory) => _factory = factory;

    [Fact]
    public async Task The_trigger_count_is_limited_per_tenant_even_under_concurrent_creates()
    {
        var tenant = new TestTenant(_factory);
        var other = new TestTenant(_factory);

        var answers = await Task.WhenAll(Enumerable.Range(0, 12).Select(async _ =>
        {
            using var response = await tenant.PostAsync(new { system = "timer", options = new { interval_seconds = 60 } });
            return (response.StatusCode, RetryAfter: response.Headers.RetryAfter?.Delta);
        }));
        var otherTenant = await other.CreateTimerAsync(new { interval_seconds = 60 });

        Assert.Equal(5, answers.Count(a => a.StatusCode == HttpStatusCode.Created));
        Assert.Equal(7, answers.Count(a => a.StatusCode == HttpStatusCode.TooManyRequests));
        Assert.All(answers.Where(a => a.StatusCode == HttpStatusCode.TooManyRequests), a => Assert.NotNull(a.RetryAfter));
        Assert.NotNull(otherTenant);
    }

    [Fact]
    public async Task Webhook_deliveries_are_limited_per_tenant_with_retry_after()
    {
        var tenant = new TestTenant(_factory);
        var first = await tenant.CreateAsync(new { system = "webhook", options = new { } });
        var second = await tenant.CreateAsync(new { system = "webhook", options = new { } });
        var client = _factory.CreateClient();

        var statuses = new List<HttpResponseMessage>();
        for (var i = 0; i < 5; i++)
        {
            var trigger = i % 2 == 0 ? first : second;
            statuses.Add(await client.SendAsync(WebhookTests.Signed(trigger, $"msg-{i}", """{"n":1}""")));
        }

        // A window boundary may fall inside the loop: then the new window admits more. Three in one minute at most.
        Assert.InRange(statuses.Count(s => s.StatusCode == HttpStatusCode.OK), 3, 5);
        var limited = statuses.Where(s => s.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        Assert.All(limited, s => Assert.InRange(s.Headers.RetryAfter!.Delta!.Value.TotalSeconds, 1, 60));
        Assert.Equal(statuses.Count(s => s.StatusCode == HttpStatusCode.OK),
            (await tenant.EventsAsync(first.TriggerId)).Count + (await tenant.EventsAsync(second.TriggerId)).Count);
    }
}
