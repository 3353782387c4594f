using System.Net;
using System.Net.Http.Json;
using AgentCloud.EventBus.Redis;
using AgentCloud.EventBus.TestConsumer;
using AgentCloud.EventBus.Tests.Support;
using AgentCloud.Testing;
using Xunit;

namespace AgentCloud.EventBus.Tests;

public sealed class RetryDeadLetterTests
{
    static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);
    const string Topic = "agentcloud.test.work-requested";

    [Fact]
    public async Task Failing_handler_is_retried_with_growing_backoff_and_acked_once_it_succeeds()
    {
        var settings = (await TestSettings.ForRedisAsync()).With("EventBus:MaxAttempts", "5");
        await using var app = await RunningApp.StartAsync(settings);
        var keys = new StreamKeys(settings["EventBus:StreamPrefix"]!);

        var @event = new WorkRequested("flaky", FailTimes: 2);
        await app.Bus.PublishAsync(@event);
        await app.Probe.WaitForAsync(calls => calls.Count(c => c.EventId == @event.Id) == 3, Timeout);
        await Probes.EventuallyAsync(async () => await Probes.PendingCountAsync(keys.Stream(Topic), "worker") == 0, Timeout, "acked");

        var calls = app.Probe.Calls.Where(c => c.EventId == @event.Id).OrderBy(c => c.Attempt).ToList();
        Assert.Equal([1, 2, 3], calls.Select(c => c.Attempt));
        var firstGap = calls[1].At - calls[0].At;
        var secondGap = calls[2].At - calls[1].At;
        Assert.True(firstGap >= TimeSpan.FromMilliseconds(45), $"first retry after {firstGap}");
        Assert.True(secondGap >= TimeSpan.FromMilliseconds(95), $"second retry after {secondGap} (base 50 ms, doubling)");
        Assert.Equal(0, await Probes.StreamLengthAsync(keys.DeadLetter(Topic, "worker")));
    }

    [Fact]
    public async Task After_max_attempts_the_event_is_dead_lettered_with_its_error_and_replay_delivers_it_again()
    {
        var settings = (await TestSettings.ForRedisAsync()).With("EventBus:MaxAttempts", "3");
        await using var app = await RunningApp.StartAsync(settings);
        var keys = new StreamKeys(settings["EventBus:StreamPrefix"]!);
        app.Probe.FailAll = true;

        var @event = new WorkRequested("poison");
        await app.Bus.PublishAsync(@event);
        await Probes.EventuallyAsync(async () => await Probes.StreamLengthAsync(keys.DeadLetter(Topic, "worker")) == 1, Timeout, "dead-lettered");

        Assert.Equal(3, app.Probe.Calls.Count(c => c.EventId == @event.Id));
        Assert.Equal(0, await Probes.PendingCountAsync(keys.Stream(Topic), "worker"));
        var letters = await app.Http.GetFromJsonAsync<List<DeadLetter>>("/eventbus/dead-letters");
        var letter = Assert.Single(letters!);
        Assert.Equal(@event.Id, letter.EventId);
        Assert.Equal(Topic, letter.Type);
        Assert.Equal(3, letter.Attempts);
        Assert.Contains("Planned failure of poison, attempt 3", letter.Error);

        app.Probe.FailAll = false;
        using var replay = await app.Http.PostAsync($"/eventbus/dead-letters/{Topic}/{letter.Id}/replay", null);
        Assert.Equal(HttpStatusCode.Accepted, replay.StatusCode);
        await app.Probe.WaitForAsync(calls => calls.Count(c => c.EventId == @event.Id) == 4, Timeout);

        Assert.Empty((await app.Http.GetFromJsonAsync<List<DeadLetter>>("/eventbus/dead-letters"))!);
        await Probes.EventuallyAsync(async () => await Probes.PendingCountAsync(keys.Replay(Topic, "worker"), "worker") == 0, Timeout, "replay acked");
        using var again = await app.Http.PostAsync($"/eventbus/dead-letters/{Topic}/{letter.Id}/replay", null);
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
    }

    [Fact]
    public async Task Replay_reaches_only_the_consumer_group_that_dead_lettered_the_event()
    {
        var failing = (await TestSettings.ForRedisAsync("failing")).With("EventBus:MaxAttempts", "1");
        var healthy = failing.With("EventBus:AppId", "healthy");
        await using var failingApp = await RunningApp.StartAsync(failing);
        await using var healthyApp = await RunningApp.StartAsync(healthy);
        failingApp.Probe.FailAll = true;

        var @event = new WorkRequested("one-group");
        await failingApp.Bus.PublishAsync(@event);
        await healthyApp.Probe.WaitForAsync(calls => calls.Count == 1, Timeout);
        await Probes.EventuallyAsync(async () => (await failingApp.Http.GetFromJsonAsync<List<DeadLetter>>("/eventbus/dead-letters"))!.Count == 1, Timeout, "dead letter");

        failingApp.Probe.FailAll = false;
        var letter = (await failingApp.Http.GetFromJsonAsync<List<DeadLetter>>("/eventbus/dead-letters"))!.Single();
        (await failingApp.Http.PostAsync($"/eventbus/dead-letters/{Topic}/{letter.Id}/replay", null)).EnsureSuccessStatusCode();
        await failingApp.Probe.WaitForAsync(calls => calls.Count == 2, Timeout);
        await Task.Delay(300);

        Assert.Single(healthyApp.Probe.Calls);
    }

    [Fact]
    public async Task Dead_letters_answer_only_the_service_own_identity()
    {
        await using var app = await RunningApp.StartAsync(await TestSettings.ForRedisAsync());
        HttpClient As(string? token)
        {
            var client = new HttpClient { BaseAddress = app.Http.BaseAddress };
            return token is null ? client : client.WithToken(token);
        }

        using var anonymous = As(null);
        using var tenantAdmin = As(TestTokens.Admin(Guid.NewGuid()));
        using var otherService = As(TestTokens.Service("billing", audience: "worker"));

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/eventbus/dead-letters")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await tenantAdmin.GetAsync("/eventbus/dead-letters")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await otherService.PostAsync($"/eventbus/dead-letters/{Topic}/1-0/replay", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.Http.GetAsync("/eventbus/dead-letters")).StatusCode);
    }
}
