using System.Diagnostics;
using System.Globalization;
using AgentCloud.EventBus.Outbox;
using AgentCloud.EventBus.TestConsumer;
using AgentCloud.EventBus.Tests.Support;
using AgentCloud.ServiceDefaults.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Xunit;

namespace AgentCloud.EventBus.Tests;

public sealed class OutboxInboxTests
{
    static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task Rolled_back_transaction_publishes_nothing_while_a_committed_one_publishes_with_its_trace()
    {
        var settings = await (await TestSettings.ForRedisAsync()).WithDatabaseAsync();
        var database = settings["ConnectionStrings:effectsdb"]!;
        await using var app = await RunningApp.StartAsync(settings);
        var rolledBack = new WorkRequested("rolled-back");
        var committed = new WorkRequested("committed");

        await StageAsync(app.Services, rolledBack, commit: false);
        using var source = new ActivitySource("test.outbox");
        using var listener = new ActivityListener { ShouldListenTo = s => s.Name is "test.outbox" or Telemetry.EventBusTelemetry.Name, Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData };
        ActivitySource.AddActivityListener(listener);
        ActivityTraceId traceId;
        using (var request = source.StartActivity("POST /work"))
        {
            traceId = request!.TraceId;
            await StageAsync(app.Services, committed, commit: true);
        }

        await app.Probe.WaitForAsync(calls => calls.Any(c => c.EventId == committed.Id), Timeout);
        await Task.Delay(300); // several relay polls: a staged-then-rolled-back event would have surfaced by now
        Assert.DoesNotContain(app.Probe.Calls, c => c.EventId == rolledBack.Id);
        Assert.Equal(traceId, app.Probe.Calls.Single(c => c.EventId == committed.Id).TraceId);
        Assert.Equal(1, await Probes.ScalarAsync(database, "SELECT count(*) FROM event_bus_outbox"));
        Assert.Equal(1, await Probes.ScalarAsync(database, "SELECT count(*) FROM event_bus_outbox WHERE published_at IS NOT NULL"));
        Assert.Equal(0, await Probes.ScalarAsync(database, "SELECT count(*) FROM effects WHERE work_key = 'change-rolled-back'"));
    }

    [Fact]
    public async Task Event_committed_by_a_process_that_died_before_relaying_is_published_by_the_next_start()
    {
        var settings = await (await TestSettings.ForRedisAsync()).WithDatabaseAsync();
        var database = settings["ConnectionStrings:effectsdb"]!;
        var @event = new WorkRequested("survives-crash");

        // First life: migrate, commit the change with its event, and stop before any relay or consumer ever runs.
        var firstLife = TestApp.Build(settings);
        await firstLife.Services.GetRequiredService<SqlMigrationRunner>().ApplyAsync();
        await StageAsync(firstLife.Services, @event, commit: true);
        await firstLife.DisposeAsync();
        Assert.Equal(1, await Probes.ScalarAsync(database, "SELECT count(*) FROM event_bus_outbox WHERE published_at IS NULL"));

        await using var secondLife = await RunningApp.StartAsync(settings);
        await secondLife.Probe.WaitForAsync(calls => calls.Any(c => c.EventId == @event.Id), Timeout);
        await Probes.EventuallyAsync(async () =>
            await Probes.ScalarAsync(database, "SELECT count(*) FROM effects WHERE event_id = @id", ("id", @event.Id)) == 1, Timeout, "effect");
        // The relay marks the row after Redis took the event, so a quick consumer can handle it before that.
        await Probes.EventuallyAsync(async () =>
            await Probes.ScalarAsync(database, "SELECT count(*) FROM event_bus_outbox WHERE published_at IS NULL") == 0, Timeout, "published_at");
    }

    [Fact]
    public async Task Redelivered_event_has_its_effect_once_through_the_inbox()
    {
        var settings = await (await TestSettings.ForRedisAsync()).WithDatabaseAsync();
        var database = settings["ConnectionStrings:effectsdb"]!;
        await using var app = await RunningApp.StartAsync(settings);

        var @event = new WorkRequested("twice");
        await app.Bus.PublishAsync(@event);
        await app.Bus.PublishAsync(@event); // same id: what a relay retry or a replay produces
        var marker = new WorkRequested("after");
        await app.Bus.PublishAsync(marker);
        await app.Probe.WaitForAsync(calls => calls.Any(c => c.EventId == marker.Id), Timeout);
        await Task.Delay(200);

        Assert.Single(app.Probe.Calls, c => c.EventId == @event.Id);
        Assert.Equal(1, await Probes.ScalarAsync(database, "SELECT count(*) FROM effects WHERE event_id = @id", ("id", @event.Id)));
        Assert.Equal(2, await Probes.ScalarAsync(database, "SELECT count(*) FROM event_bus_inbox WHERE consumer = 'worker'"));
    }

    [Fact]
    public async Task Failed_handler_leaves_neither_effect_nor_inbox_row_so_the_retry_can_succeed()
    {
        var settings = await (await TestSettings.ForRedisAsync()).WithDatabaseAsync();
        var database = settings["ConnectionStrings:effectsdb"]!;
        await using var app = await RunningApp.StartAsync(settings);

        var @event = new WorkRequested("fails-once", FailTimes: 1);
        await app.Bus.PublishAsync(@event);
        await app.Probe.WaitForAsync(calls => calls.Count(c => c.EventId == @event.Id) == 2, Timeout);
        await Probes.EventuallyAsync(async () =>
            await Probes.ScalarAsync(database, "SELECT count(*) FROM effects WHERE event_id = @id", ("id", @event.Id)) == 1, Timeout, "effect");

        Assert.Equal(1, await Probes.ScalarAsync(database, "SELECT count(*) FROM event_bus_inbox WHERE event_id = @id", ("id", @event.Id)));
    }

    [Fact]
    public async Task Library_tables_come_from_its_own_migration_applied_after_the_services_and_recorded_once()
    {
        var settings = await (await TestSettings.ForRedisAsync()).WithDatabaseAsync();
        var database = settings["ConnectionStrings:effectsdb"]!;
        var app = TestApp.Build(settings);
        var runner = app.Services.GetRequiredService<SqlMigrationRunner>();
        runner.Include(typeof(OutboxMessage).Assembly); // a second Include of the same scripts changes nothing

        string[] scripts = ["0001_effects", "eventbus_0001_outbox_inbox", "eventbus_0002_outbox_event_parts"];
        Assert.Equal(scripts, runner.Scripts.Select(s => s.Version));
        Assert.Equal(scripts, await runner.ApplyAsync());
        Assert.Empty(await runner.ApplyAsync());
        Assert.Throws<InvalidOperationException>(() => runner.Include(typeof(OutboxMessage).Assembly));
        await app.DisposeAsync();
        Assert.Equal(3, await Probes.ScalarAsync(database, "SELECT count(*) FROM schema_history"));
    }

    [Fact]
    public async Task An_event_staged_before_the_outbox_kept_parts_is_converted_and_published_like_any_other()
    {
        var settings = await (await TestSettings.ForRedisAsync()).WithDatabaseAsync();
        var database = settings["ConnectionStrings:effectsdb"]!;
        var now = DateTimeOffset.UtcNow;
        var @event = new WorkRequested("staged-as-json") { TenantId = "t-9", Subject = "s-9", Time = now.AddTicks(-(now.Ticks % 10)) }; // µs, as timestamptz
        // A database as the previous version left it: scripts up to eventbus_0001 applied, a row holding CloudEvent JSON.
        var app = TestApp.Build(settings);
        var runner = app.Services.GetRequiredService<SqlMigrationRunner>();
        await using (var connection = new NpgsqlConnection(database))
        {
            await connection.OpenAsync();
            await using var setUp = new NpgsqlCommand("CREATE TABLE schema_history (version text PRIMARY KEY, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())", connection);
            await setUp.ExecuteNonQueryAsync();
            foreach (var script in runner.Scripts.Where(s => s.Version != "eventbus_0002_outbox_event_parts"))
            {
                await using var apply = new NpgsqlCommand(script.Sql, connection);
                await apply.ExecuteNonQueryAsync();
                await using var record = new NpgsqlCommand("INSERT INTO schema_history (version, checksum) VALUES ($1, $2)", connection);
                record.Parameters.Add(new() { Value = script.Version });
                record.Parameters.Add(new() { Value = script.Checksum });
                await record.ExecuteNonQueryAsync();
            }
            await using var stage = new NpgsqlCommand("INSERT INTO event_bus_outbox (id, topic, cloud_event) VALUES (gen_random_uuid(), $1, $2)", connection);
            stage.Parameters.Add(new() { Value = "agentcloud.test.work-requested" });
            stage.Parameters.Add(new() { Value = $$"""
                {"specversion":"1.0","id":"{{@event.Id}}","source":"worker","type":"agentcloud.test.work-requested",
                 "time":"{{@event.Time:O}}","subject":"s-9","datacontenttype":"application/json",
                 "data":{"key":"staged-as-json","failTimes":0,"delayMs":0},"tenantid":"t-9"}
                """ });
            await stage.ExecuteNonQueryAsync();
        }

        Assert.Equal(["eventbus_0002_outbox_event_parts"], await runner.ApplyAsync());
        await app.DisposeAsync();
        await using var running = await RunningApp.StartAsync(settings);
        await running.Probe.WaitForAsync(calls => calls.Count == 1, Timeout);

        Assert.Equal((@event.Id, "staged-as-json"), (running.Probe.Calls.Single().EventId, running.Probe.Calls.Single().Key));
        await Probes.EventuallyAsync(async () => await Probes.ScalarAsync(database,
            "SELECT count(*) FROM event_bus_outbox o WHERE published_at IS NOT NULL AND tenant_id = 't-9' AND subject = 's-9' AND to_char(o.time AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') = @time",
            ("time", @event.Time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture))) == 1, Timeout, "converted row marked published");
    }

    static async Task StageAsync(IServiceProvider services, WorkRequested @event, bool commit)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<EffectsDbContext>();
        var outbox = scope.ServiceProvider.GetRequiredService<IIntegrationEventOutbox>();
        await using var transaction = await db.Database.BeginTransactionAsync();
        db.Effects.Add(new Effect { Id = Guid.NewGuid(), EventId = "-", WorkKey = $"change-{@event.Key}", Consumer = "api", CreatedAt = DateTimeOffset.UtcNow });
        outbox.Add(db, @event);
        await db.SaveChangesAsync();
        if (commit)
        {
            await transaction.CommitAsync();
        }
        else
        {
            await transaction.RollbackAsync();
        }
    }
}
