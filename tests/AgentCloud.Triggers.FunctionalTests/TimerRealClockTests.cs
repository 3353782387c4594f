using AgentCloud.Contracts.Triggers;
using Xunit;

namespace AgentCloud.Triggers.FunctionalTests;

/// <summary>
/// The scheduler's own loop on the real clock: two replicas on one database, a restart during downtime, lateness.
/// Bounds on lateness are loose (this machine is shared); the benchmark measures it properly.
/// </summary>
public sealed class TimerRealClockTests
{
    [Fact]
    public async Task Two_replicas_on_one_database_fire_every_tick_exactly_once()
    {
        await using var first = new TriggersFactory();
        await first.InitializeAsync();
        await using var second = first.Replica();
        await second.InitializeAsync();
        second.CreateClient(); // starts its scheduler
        var tenant = new TestTenant(first);
        var triggers = new List<TriggerDetails>();
        for (var i = 0; i < 20; i++)
        {
            triggers.Add(await tenant.CreateTimerAsync(new { cron = "* * * * * *" }));
        }

        await Task.Delay(TimeSpan.FromSeconds(5));
        foreach (var trigger in triggers)
        {
            await tenant.PatchAsync(trigger.TriggerId, new { active = false });
        }

        var fires = new List<TriggerEventEntry>();
        var ticks = 0;
        foreach (var trigger in triggers)
        {
            var events = await tenant.EventsAsync(trigger.TriggerId);
            Assert.Equal(events.Count, events.Select(e => e.ScheduledFor).Distinct().Count());
            // No tick lost: each fire covers its tick, or (when the machine stalled a whole period) the ticks it caught up.
            var covered = events.OrderBy(e => e.ScheduledFor).Select(Covered).ToList();
            Assert.All(covered.Zip(covered.Skip(1)), pair => Assert.Equal(TimeSpan.FromSeconds(1), pair.Second.First - pair.First.Last));
            ticks += covered.Sum(c => (int)((c.Last - c.First).TotalSeconds) + 1);
            fires.AddRange(events);
        }
        Assert.True(ticks >= 20 * 3, $"{ticks} ticks in 5 s");
        Assert.All(fires, e => Assert.Contains(e.Outcome, new[] { "fired", "caught_up" }));
        var published = await tenant.OutboxAsync();
        Assert.Equal(fires.Count, published.Count);
        Assert.Equal(fires.Count, published.Select(p => (p.Event.TriggerId, p.Event.Payload.GetProperty("scheduled_for").GetString())).Distinct().Count());
        await TestTenant.EventuallyAsync(async () => (await tenant.OutboxAsync()).All(p => p.Published), "the relay to publish every fire");
        Assert.All(new[] { first, second }, host => Assert.True(host.Service<Scheduling.TimerScheduler>().Fired > 0, "both replicas took part"));
    }

    static (DateTimeOffset First, DateTimeOffset Last) Covered(TriggerEventEntry entry) =>
        entry.Outcome == "caught_up" && entry.Payload is { } payload && payload.TryGetProperty("missed", out var missed)
            ? (DateTimeOffset.Parse(missed.GetProperty("first").GetString()!, System.Globalization.CultureInfo.InvariantCulture), entry.ScheduledFor!.Value)
            : (entry.ScheduledFor!.Value, entry.ScheduledFor!.Value);

    [Fact]
    public async Task A_restart_during_downtime_honours_the_misfire_policy_on_the_real_clock()
    {
        var before = new TriggersFactory();
        await before.InitializeAsync();
        var tenant = new TestTenant(before);
        var catchUp = await tenant.CreateTimerAsync(new { cron = "* * * * * *", misfire = "fire_once", misfire_grace_seconds = 1 });
        var skip = await tenant.CreateTimerAsync(new { cron = "* * * * * *", misfire = "skip", misfire_grace_seconds = 1 });
        await TestTenant.EventuallyAsync(async () => (await tenant.EventsAsync(catchUp.TriggerId)).Count >= 2, "two fires before the stop");

        await before.DisposeAsync();
        var stopped = DateTimeOffset.UtcNow;
        await Task.Delay(TimeSpan.FromSeconds(4));
        await using var after = before.Replica();
        await after.InitializeAsync();
        var again = new TestTenant(after, tenant);
        await TestTenant.EventuallyAsync(async () => (await again.EventsAsync(catchUp.TriggerId)).Count(e => e.ScheduledFor > stopped) >= 3,
            "fires after the restart");
        await again.PatchAsync(catchUp.TriggerId, new { active = false });
        await again.PatchAsync(skip.TriggerId, new { active = false });

        var caught = await again.EventsAsync(catchUp.TriggerId);
        var skipped = await again.EventsAsync(skip.TriggerId);
        // The downtime is covered by one misfire entry (a catch-up fire, or a skip record), never a burst of fires.
        // (On a loaded machine a later stall longer than a tick is a misfire too, handled the same way.)
        var downtime = stopped.AddSeconds(1);
        static (DateTimeOffset First, int Ticks) Missed(TriggerEventEntry e) =>
            (e.Payload!.Value.GetProperty("missed").GetProperty("first").GetDateTimeOffset(), e.Payload!.Value.GetProperty("missed").GetProperty("ticks").GetInt32());
        bool Covers(TriggerEventEntry e, string outcome) => e.Outcome == outcome
            && Missed(e).First <= downtime && Missed(e).First.AddSeconds(Missed(e).Ticks - 1) >= downtime; // a tick a second
        var downtimeCatchUp = Assert.Single(caught, e => Covers(e, "caught_up"));
        Assert.True(downtimeCatchUp.Payload!.Value.GetProperty("missed").GetProperty("ticks").GetInt32() >= 4);
        Assert.Single(skipped, e => Covers(e, "skipped"));
        Assert.DoesNotContain(skipped, e => e.Outcome == "caught_up");
        Assert.DoesNotContain(caught, e => e.Outcome == "skipped");
        foreach (var log in new[] { caught, skipped })
        {
            // every second from the first fire to the last is accounted for: fired, or counted in the one misfire entry
            var accounted = log.Sum(e => e.Outcome == "fired" ? 1 : e.Payload!.Value.GetProperty("missed").GetProperty("ticks").GetInt32());
            var earliest = log.Min(e => e.Outcome == "fired" ? e.ScheduledFor!.Value : Missed(e).First);
            var span = (int)(log.Max(e => e.ScheduledFor!.Value) - earliest).TotalSeconds + 1;
            Assert.True(span == accounted, $"span {span}, accounted {accounted}: " + string.Join("; ", log.Select(e => $"{e.Outcome} {e.ScheduledFor:HH:mm:ss} {e.Payload}")));
            Assert.Equal(log.Count, log.Select(e => e.ScheduledFor).Distinct().Count());
        }
    }

    [Fact]
    public async Task The_running_loop_fires_on_the_second_and_publishes_through_the_bus()
    {
        await using var factory = new TriggersFactory();
        await factory.InitializeAsync();
        var tenant = new TestTenant(factory);
        var trigger = await tenant.CreateTimerAsync(new { cron = "* * * * * *" });

        await TestTenant.EventuallyAsync(async () => (await tenant.EventsAsync(trigger.TriggerId)).Count >= 4, "four fires");
        await tenant.PatchAsync(trigger.TriggerId, new { active = false });
        var events = await tenant.EventsAsync(trigger.TriggerId);

        Assert.All(events, e => Assert.Equal(0, e.ScheduledFor!.Value.Millisecond));
        Assert.All(events, e => Assert.InRange(e.FiredAt - e.ScheduledFor!.Value, TimeSpan.Zero, TimeSpan.FromSeconds(1)));
        await TestTenant.EventuallyAsync(async () => (await tenant.OutboxAsync()).Count(p => p.Published) == events.Count, "the relay to publish");
    }
}
