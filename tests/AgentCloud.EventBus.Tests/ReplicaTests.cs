using AgentCloud.EventBus.Redis;
using AgentCloud.EventBus.TestConsumer;
using AgentCloud.EventBus.Tests.Support;
using Xunit;

namespace AgentCloud.EventBus.Tests;

public sealed class ReplicaTests
{
    static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    const string Topic = "agentcloud.test.work-requested";

    [Fact]
    public async Task Two_replicas_share_the_load_without_handling_any_event_twice()
    {
        var settings = (await TestSettings.ForRedisAsync()).With("EventBus:BatchSize", "5").With("EventBus:Concurrency", "2");
        await using var a = await RunningApp.StartAsync(settings.With("EventBus:ConsumerName", "replica-a"));
        await using var b = await RunningApp.StartAsync(settings.With("EventBus:ConsumerName", "replica-b"));

        var events = Enumerable.Range(0, 200).Select(i => new WorkRequested($"w{i}", DelayMs: 2)).ToList();
        foreach (var @event in events)
        {
            await a.Bus.PublishAsync(@event);
        }
        await Probes.EventuallyAsync(() => Task.FromResult(a.Probe.Calls.Count + b.Probe.Calls.Count >= 200), Timeout, "all handled");
        await Task.Delay(300);

        var all = a.Probe.Calls.Concat(b.Probe.Calls).ToList();
        Assert.Equal(200, all.Count);
        Assert.Equal(events.Select(e => e.Id).Order(), all.Select(c => c.EventId).Order());
        Assert.All(a.Probe.Calls, c => Assert.Equal("replica-a", c.Consumer));
        Assert.True(a.Probe.Calls.Count > 10 && b.Probe.Calls.Count > 10, $"a handled {a.Probe.Calls.Count}, b {b.Probe.Calls.Count}");
    }

    [Fact]
    public async Task Messages_a_dead_consumer_left_pending_are_claimed_after_the_visibility_timeout()
    {
        var settings = (await TestSettings.ForRedisAsync()).With("EventBus:VisibilityTimeout", "00:00:01");
        var keys = new StreamKeys(settings["EventBus:StreamPrefix"]!);
        var redis = await TestSettings.RedisAsync();
        await using (var publisher = await RunningApp.StartAsync(settings.With("EventBus:AppId", "publisher-only")))
        {
            for (var i = 0; i < 5; i++)
            {
                await publisher.Bus.PublishAsync(new WorkRequested($"orphan{i}"));
            }
        }
        // A replica that read these five and died: the real state a crash leaves in Redis (delivered, never acked).
        await redis.StreamCreateConsumerGroupAsync(keys.Stream(Topic), "worker", "0");
        await redis.StreamReadGroupAsync(keys.Stream(Topic), "worker", "crashed-replica", ">", 10);
        Assert.Equal(5, await Probes.PendingCountAsync(keys.Stream(Topic), "worker"));

        var started = DateTime.UtcNow;
        await using var survivor = await RunningApp.StartAsync(settings.With("EventBus:ConsumerName", "survivor"));
        await survivor.Probe.WaitForAsync(calls => calls.Count == 5, Timeout);
        await Probes.EventuallyAsync(async () => await Probes.PendingCountAsync(keys.Stream(Topic), "worker") == 0, Timeout, "acked");

        Assert.All(survivor.Probe.Calls, c => Assert.Equal("survivor", c.Consumer));
        Assert.Equal(5, survivor.Probe.Calls.Select(c => c.Key).Distinct().Count());
        Assert.True(DateTime.UtcNow - started >= TimeSpan.FromSeconds(0.9), "claimed only after the visibility timeout");
    }

    [Fact]
    public async Task Message_that_keeps_killing_its_consumers_is_dead_lettered_on_reclaim_without_running_the_handler()
    {
        var settings = (await TestSettings.ForRedisAsync()).With("EventBus:VisibilityTimeout", "00:00:00.500").With("EventBus:MaxAttempts", "3");
        var keys = new StreamKeys(settings["EventBus:StreamPrefix"]!);
        var redis = await TestSettings.RedisAsync();
        var poison = new WorkRequested("crashes-everyone");
        await using (var publisher = await RunningApp.StartAsync(settings.With("EventBus:AppId", "publisher-only")))
        {
            await publisher.Bus.PublishAsync(poison);
        }
        // The state after three consumers each took the message and died: delivered three times, never acked.
        await redis.StreamCreateConsumerGroupAsync(keys.Stream(Topic), "worker", "0");
        var id = (await redis.StreamReadGroupAsync(keys.Stream(Topic), "worker", "crashed-1", ">", 1)).Single().Id;
        await redis.ExecuteAsync("XCLAIM", keys.Stream(Topic), "worker", "crashed-3", 0, id, "RETRYCOUNT", 3); // the client's XCLAIM has no RETRYCOUNT

        await using var survivor = await RunningApp.StartAsync(settings.With("EventBus:ConsumerName", "survivor"));
        await Probes.EventuallyAsync(async () => await Probes.StreamLengthAsync(keys.DeadLetter(Topic, "worker")) == 1, Timeout, "dead-lettered");

        Assert.Empty(survivor.Probe.Calls);
        Assert.Equal(0, await Probes.PendingCountAsync(keys.Stream(Topic), "worker"));
    }

    [Fact]
    public async Task Consumers_of_gone_replicas_with_nothing_pending_are_removed_while_live_and_pending_ones_stay()
    {
        var settings = (await TestSettings.ForRedisAsync())
            .With("EventBus:DeadConsumerAfter", "00:00:00.300").With("EventBus:CleanupInterval", "00:00:00.100")
            .With("EventBus:VisibilityTimeout", "00:01:00");
        var stream = new StreamKeys(settings["EventBus:StreamPrefix"]!).Stream(Topic);
        var redis = await TestSettings.RedisAsync();
        await using (var publisher = await RunningApp.StartAsync(settings.With("EventBus:AppId", "publisher-only")))
        {
            await publisher.Bus.PublishAsync(new WorkRequested("held"));
            await publisher.Bus.PublishAsync(new WorkRequested("acked"));
        }
        await redis.StreamCreateConsumerGroupAsync(stream, "worker", "0");
        await redis.StreamReadGroupAsync(stream, "worker", "gone-with-pending", ">", 1);
        var read = await redis.StreamReadGroupAsync(stream, "worker", "gone-empty", ">", 1);
        await redis.StreamAcknowledgeAsync(stream, "worker", read.Single().Id);
        Assert.Contains("gone-empty", await ConsumerNamesAsync(stream));

        await using var quiet = await RunningApp.StartAsync(settings.With("EventBus:ConsumerName", "quiet"));
        await quiet.Bus.PublishAsync(new WorkRequested("makes-quiet-a-member"));
        await quiet.Probe.WaitForAsync(calls => calls.Count == 1, Timeout);
        await using var other = await RunningApp.StartAsync(settings.With("EventBus:ConsumerName", "other")); // would remove quiet if not for its heartbeat
        await Probes.EventuallyAsync(async () => !(await ConsumerNamesAsync(stream)).Contains("gone-empty"), Timeout, "gone-empty removed");
        await Task.Delay(800); // quiet is now idle in Redis' eyes for longer than DeadConsumerAfter

        var names = await ConsumerNamesAsync(stream);
        Assert.Contains("gone-with-pending", names);
        Assert.Contains("quiet", names);
    }

    static async Task<List<string>> ConsumerNamesAsync(string stream) =>
        [.. (await (await TestSettings.RedisAsync()).StreamConsumerInfoAsync(stream, "worker")).Select(c => c.Name)];
}
