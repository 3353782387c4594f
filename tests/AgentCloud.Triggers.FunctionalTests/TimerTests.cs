using AgentCloud.Triggers.Scheduling;
using Xunit;

namespace AgentCloud.Triggers.FunctionalTests;

/// <summary>
/// Timers on a clock the test moves (the scheduler loop is off; the test runs its passes), so cron precision, time
/// zones, daylight saving and misfires are checked to the second. TimerRealClockTests prove the running loop.
/// </summary>
public sealed class TimerTests : IAsyncLifetime
{
    readonly ManualClock _clock = new(new DateTimeOffset(2026, 3, 28, 23, 0, 0, TimeSpan.Zero));
    readonly TriggersFactory _factory;

    public TimerTests() => _factory = TriggersFactory.WithClock(_clock);

    TimerScheduler Scheduler => _factory.Service<TimerScheduler>();

    /// <summary>Moves the clock in steps, letting the scheduler run at each, as the real loop would.</summary>
    async Task RunUntilAsync(DateTimeOffset until, TimeSpan step)
    {
        while (_clock.Now < until)
        {
            _clock.Advance(step);
            while (await Scheduler.FireDueAsync(CancellationToken.None) > 0)
            {
            }
        }
    }

    [Fact]
    public async Task A_seconds_cron_fires_once_per_tick_on_the_tick()
    {
        var tenant = new TestTenant(_factory);
        var start = _clock.Now;
        var trigger = await tenant.CreateTimerAsync(new { cron = "*/15 * * * * *" });

        await RunUntilAsync(start.AddMinutes(2), TimeSpan.FromSeconds(1));
        var events = await tenant.EventsAsync(trigger.TriggerId);

        Assert.Equal(8, events.Count);
        Assert.Equal(Enumerable.Range(1, 8).Select(i => start.AddSeconds(15 * i)), events.Select(e => e.ScheduledFor!.Value));
        Assert.All(events, e => Assert.Equal(("fired", e.ScheduledFor), (e.Outcome, (DateTimeOffset?)e.FiredAt)));
        var published = await tenant.OutboxAsync();
        Assert.Equal(events.Select(e => e.EventId.ToString()), published.Select(p => p.Event.Id));
        Assert.All(published, p => Assert.Equal((trigger.TriggerId, tenant.AgentId, "timer", tenant.TenantId.ToString()),
            (p.Event.TriggerId, p.Event.AgentId, p.Event.System, p.Event.TenantId)));
    }

    [Fact]
    public async Task A_cron_in_a_time_zone_fires_at_local_time_across_both_daylight_saving_changes()
    {
        var tenant = new TestTenant(_factory);
        // Europe/Berlin: 2026-03-29 02:00 CET jumps to 03:00 CEST; 2026-10-25 03:00 CEST falls back to 02:00 CET.
        var daily = await tenant.CreateTimerAsync(new { cron = "30 2 * * *", time_zone = "Europe/Berlin" });
        var nine = await tenant.CreateTimerAsync(new { cron = "0 9 * * *", time_zone = "Europe/Berlin" });

        await RunUntilAsync(new DateTimeOffset(2026, 3, 31, 0, 0, 0, TimeSpan.Zero), TimeSpan.FromMinutes(30));
        _clock.Now = new DateTimeOffset(2026, 10, 23, 12, 0, 0, TimeSpan.Zero);
        await tenant.PatchAsync(daily.TriggerId, new { options = new { cron = "30 2 * * *", time_zone = "Europe/Berlin" } });
        await tenant.PatchAsync(nine.TriggerId, new { options = new { cron = "0 9 * * *", time_zone = "Europe/Berlin" } });
        await RunUntilAsync(new DateTimeOffset(2026, 10, 27, 0, 0, 0, TimeSpan.Zero), TimeSpan.FromMinutes(30));

        var utc = (await tenant.EventsAsync(daily.TriggerId)).Select(e => e.ScheduledFor!.Value.UtcDateTime).ToList();
        Assert.Equal(new DateTime[]
        {
            new(2026, 3, 29, 1, 0, 0), // 02:30 does not exist that night: Cronos fires at 03:00 CEST (01:00 UTC)
            new(2026, 3, 30, 0, 30, 0), // 02:30 CEST
            new(2026, 10, 24, 0, 30, 0), // 02:30 CEST
            new(2026, 10, 25, 0, 30, 0), // 02:30 happens twice that night: it fires once, at the first
            new(2026, 10, 26, 1, 30, 0), // 02:30 CET
        }, utc);
        Assert.Equal(new[] { 7, 7, 7, 8, 8 }, (await tenant.EventsAsync(nine.TriggerId)).Select(e => e.ScheduledFor!.Value.UtcDateTime.Hour));
    }

    [Fact]
    public async Task An_interval_timer_keeps_its_cadence_from_start_at()
    {
        var tenant = new TestTenant(_factory);
        var start = _clock.Now.AddSeconds(5);
        var trigger = await tenant.CreateTimerAsync(new { interval_seconds = 7, start_at = start.ToString("O") });

        await RunUntilAsync(start.AddSeconds(30), TimeSpan.FromMilliseconds(500));

        Assert.Equal([0, 7, 14, 21, 28], (await tenant.EventsAsync(trigger.TriggerId)).Select(e => (int)(e.ScheduledFor!.Value - start).TotalSeconds));
    }

    [Fact]
    public async Task A_reminder_fires_once_into_its_conversation_with_its_text()
    {
        var tenant = new TestTenant(_factory);
        var conversation = Guid.NewGuid();
        var at = _clock.Now.AddMinutes(30);
        var reminder = await tenant.CreateTimerAsync(new { at = at.ToString("O"), reminder = "Call Bob about the offer" }, conversation);

        await RunUntilAsync(at.AddMinutes(-1), TimeSpan.FromSeconds(10));
        var before = await tenant.EventsAsync(reminder.TriggerId);
        await RunUntilAsync(at.AddMinutes(10), TimeSpan.FromSeconds(10));

        Assert.Empty(before);
        var fired = Assert.Single(await tenant.OutboxAsync()).Event;
        Assert.Equal((reminder.TriggerId, conversation, tenant.UserId, "Call Bob about the offer"),
            (fired.TriggerId, fired.ConversationId, fired.UserId, fired.Reminder));
        Assert.Equal(at, fired.Payload.GetProperty("scheduled_for").GetDateTimeOffset());
        var after = await tenant.GetAsync(reminder.TriggerId);
        Assert.NotNull(after.CompletedAt);
        Assert.Null(after.NextFireAt);
    }

    [Fact]
    public async Task Deactivating_stops_the_firing_and_reactivating_starts_from_now_without_catching_up()
    {
        var tenant = new TestTenant(_factory);
        var trigger = await tenant.CreateTimerAsync(new { cron = "* * * * * *" });

        await RunUntilAsync(_clock.Now.AddSeconds(3), TimeSpan.FromSeconds(1));
        await tenant.PatchAsync(trigger.TriggerId, new { active = false });
        var paused = _clock.Now;
        await RunUntilAsync(_clock.Now.AddSeconds(30), TimeSpan.FromSeconds(1));
        var whilePaused = (await tenant.EventsAsync(trigger.TriggerId)).Count;
        await tenant.PatchAsync(trigger.TriggerId, new { active = true });
        await RunUntilAsync(_clock.Now.AddSeconds(2), TimeSpan.FromSeconds(1));

        var events = await tenant.EventsAsync(trigger.TriggerId);
        Assert.Equal(3, whilePaused);
        Assert.Equal(5, events.Count);
        Assert.DoesNotContain(events, e => e.ScheduledFor > paused && e.ScheduledFor <= paused.AddSeconds(30));
        Assert.All(events, e => Assert.Equal("fired", e.Outcome));
    }

    [Fact]
    public async Task After_downtime_fire_once_fires_one_catch_up_and_skip_fires_none_but_says_so()
    {
        var tenant = new TestTenant(_factory);
        var catchUp = await tenant.CreateTimerAsync(new { cron = "0 * * * * *", misfire = "fire_once" });
        var skip = await tenant.CreateTimerAsync(new { cron = "0 * * * * *", misfire = "skip" });
        var start = _clock.Now;
        await RunUntilAsync(start.AddMinutes(2), TimeSpan.FromSeconds(1));

        await _factory.DisposeAsync(); // the service is down for ten minutes
        _clock.Advance(TimeSpan.FromMinutes(10));
        await using var restarted = _factory.Replica();
        await restarted.InitializeAsync();
        while (await restarted.Service<TimerScheduler>().FireDueAsync(CancellationToken.None) > 0)
        {
        }
        var afterRestart = new TestTenant(restarted, tenant);
        var caughtUp = await afterRestart.EventsAsync(catchUp.TriggerId);
        var skipped = await afterRestart.EventsAsync(skip.TriggerId);

        Assert.Equal(["fired", "fired", "caught_up"], caughtUp.Select(e => e.Outcome));
        Assert.Equal(start.AddMinutes(12), caughtUp[^1].ScheduledFor);
        Assert.Equal(10, caughtUp[^1].Payload!.Value.GetProperty("missed").GetProperty("ticks").GetInt32());
        Assert.Equal(start.AddMinutes(3), caughtUp[^1].Payload!.Value.GetProperty("missed").GetProperty("first").GetDateTimeOffset());
        Assert.Equal(["fired", "fired", "skipped", "fired"], skipped.Select(e => e.Outcome)); // 12:00 is on time: it fires
        Assert.Equal(9, skipped[2].Payload!.Value.GetProperty("missed").GetProperty("ticks").GetInt32());
        var published = await afterRestart.OutboxAsync();
        Assert.Equal(3, published.Count(p => p.Event.TriggerId == catchUp.TriggerId));
        Assert.Equal(3, published.Count(p => p.Event.TriggerId == skip.TriggerId)); // the skipped record is not published
        Assert.Equal(start.AddMinutes(13), (await afterRestart.GetAsync(catchUp.TriggerId)).NextFireAt);
    }

    [Fact]
    public async Task A_single_tick_later_than_its_grace_is_a_misfire_too()
    {
        var tenant = new TestTenant(_factory);
        var at = _clock.Now.AddMinutes(1);
        var once = await tenant.CreateTimerAsync(new { at = at.ToString("O"), misfire = "fire_once", misfire_grace_seconds = 30 });
        var skip = await tenant.CreateTimerAsync(new { at = at.ToString("O"), misfire = "skip", misfire_grace_seconds = 30 });

        _clock.Advance(TimeSpan.FromMinutes(5));
        await Scheduler.FireDueAsync(CancellationToken.None);

        Assert.Equal("caught_up", Assert.Single(await tenant.EventsAsync(once.TriggerId)).Outcome);
        Assert.Equal("skipped", Assert.Single(await tenant.EventsAsync(skip.TriggerId)).Outcome);
        Assert.Single(await tenant.OutboxAsync());
    }

    public Task InitializeAsync() => _factory.InitializeAsync();

    public async Task DisposeAsync() => await _factory.DisposeAsync();
}
