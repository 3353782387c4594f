using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using AgentCloud.Contracts.Triggers;
using Cronos;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace AgentCloud.Triggers.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project benchmarks/AgentCloud.Triggers.Benchmarks -- [--replicas 1] [--minutes 10]
/// [--triggers 10000] [--no-fsync]</c>. Starts PostgreSQL (durable by default, as the AppHost runs it) and Redis,
/// starts the triggers service as separate processes sharing one database, creates the cron triggers through its API
/// (as the tool gateway, ten tenants), lets them run, and measures over the window after a warm-up: lateness from the
/// fire log (fired_at − scheduled tick) and from the TriggerFired events a consumer group receives off the bus
/// (received − scheduled tick), duplicates (the same tick delivered under two event ids; redeliveries of one id are
/// counted apart), and missed ticks (every tick of every trigger in the window must have its own fire).
/// </summary>
static class TriggersBenchmark
{
    const int Tenants = 10;
    static readonly TimeSpan Warmup = TimeSpan.FromSeconds(30);
    static readonly TimeSpan Drain = TimeSpan.FromSeconds(15);

    public static async Task<int> Main(string[] args)
    {
        var replicas = int.Parse(Option(args, "--replicas") ?? "1", CultureInfo.InvariantCulture);
        var minutes = double.Parse(Option(args, "--minutes") ?? "10", CultureInfo.InvariantCulture);
        var count = int.Parse(Option(args, "--triggers") ?? "10000", CultureInfo.InvariantCulture);
        var durable = !args.Contains("--no-fsync");
        Console.WriteLine($"{Environment.ProcessorCount} cores, load average at start {LoadAverage()}; {count:N0} cron triggers, {replicas} replica(s), "
            + $"{minutes} min measured after {Warmup.TotalSeconds:0} s warm-up; PostgreSQL {(durable ? "durable (fsync on)" : "fsync off")}");

        await using var infrastructure = await Infrastructure.StartAsync(durable);
        var database = await infrastructure.CreateTriggersDatabaseAsync("triggersbench");
        var signingKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(64));
        var streamPrefix = "bench:";
        var services = new List<ServiceProcess>();
        try
        {
            for (var i = 0; i < replicas; i++)
            {
                services.Add(await ServiceProcess.StartAsync($"triggers-{i + 1}", database, infrastructure.RedisConnectionString, signingKey, streamPrefix));
            }
            var recorder = new FiredRecorder();
            using var consumer = BuildConsumer(infrastructure.RedisConnectionString, streamPrefix, recorder);
            await consumer.StartAsync();

            var schedules = await CreateTriggersAsync(services[0].Client(signingKey), count);
            var from = DateTimeOffset.UtcNow + Warmup;
            from = new DateTimeOffset(from.Ticks - from.Ticks % TimeSpan.TicksPerSecond, TimeSpan.Zero);
            var to = from + TimeSpan.FromMinutes(minutes);
            Console.WriteLine($"Created {count:N0} triggers; measuring ticks from {from:HH:mm:ss} to {to:HH:mm:ss} UTC");
            var loadDuring = new List<string>();
            while (DateTimeOffset.UtcNow < to + Drain)
            {
                await Task.Delay(TimeSpan.FromSeconds(30));
                loadDuring.Add(LoadAverage());
                Console.WriteLine($"  {DateTimeOffset.UtcNow:HH:mm:ss} load {loadDuring[^1]}, {recorder.Deliveries.Count:N0} events received");
            }
            await consumer.StopAsync();
            Console.WriteLine(await ReportAsync(database, schedules, recorder, from, to, replicas, count, loadDuring));
            return 0;
        }
        finally
        {
            foreach (var service in services)
            {
                await service.DisposeAsync();
            }
        }
    }

    /// <summary>The mix: 20% every second, 30% every 5 s and 50% every minute (at seconds spread over the period).</summary>
    static async Task<Dictionary<Guid, CronExpression>> CreateTriggersAsync(HttpClient client, int count)
    {
        var tenants = Enumerable.Range(0, Tenants).Select(_ => (Tenant: Guid.NewGuid(), Agent: Guid.NewGuid())).ToArray();
        var schedules = new Dictionary<Guid, CronExpression>();
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, token) =>
        {
            var cron = (i % 10) switch
            {
                < 2 => "* * * * * *",
                < 5 => $"{i % 5}/5 * * * * *",
                _ => $"{i % 60} * * * * *",
            };
            var (tenant, agent) = tenants[i % Tenants];
            using var response = await client.PostAsJsonAsync($"/agent/{agent}/trigger?tenant_id={tenant}&user_id={Guid.NewGuid()}",
                new TriggerRequest(TriggerSystems.Timer, JsonSerializer.SerializeToElement(new { cron })), token);
            if (response.StatusCode != HttpStatusCode.Created)
            {
                throw new InvalidOperationException($"create answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(token)}");
            }
            var trigger = (await response.Content.ReadFromJsonAsync<TriggerDetails>(token))!;
            lock (schedules)
            {
                schedules[trigger.TriggerId] = CronExpression.Parse(cron, CronFormat.IncludeSeconds);
            }
        });
        return schedules;
    }

    static async Task<string> ReportAsync(string database, Dictionary<Guid, CronExpression> schedules, FiredRecorder recorder,
        DateTimeOffset from, DateTimeOffset to, int replicas, int count, List<string> load)
    {
        var expected = schedules.Values.Sum(cron => (long)cron.GetOccurrences(from, to, TimeZoneInfo.Utc, fromInclusive: true, toInclusive: false).Count());

        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        var logLateness = new List<double>();
        var outcomes = new Dictionary<string, long>();
        var logTicks = new HashSet<(Guid, DateTimeOffset)>();
        await using (var command = new NpgsqlCommand("""
            SELECT trigger_id, scheduled_for, outcome, EXTRACT(EPOCH FROM fired_at - scheduled_for) * 1000
            FROM trigger_events WHERE scheduled_for >= @from AND scheduled_for < @to
            """, connection))
        {
            command.Parameters.AddWithValue("from", from.UtcDateTime);
            command.Parameters.AddWithValue("to", to.UtcDateTime);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                var outcome = reader.GetString(2);
                outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
                if (outcome == "fired")
                {
                    logTicks.Add((reader.GetGuid(0), reader.GetFieldValue<DateTimeOffset>(1)));
                    logLateness.Add((double)reader.GetDecimal(3));
                }
            }
        }
        long logDuplicates;
        await using (var duplicates = new NpgsqlCommand("""
            SELECT count(*) FROM (SELECT 1 FROM trigger_events WHERE scheduled_for >= @from AND scheduled_for < @to
            GROUP BY trigger_id, scheduled_for HAVING count(*) > 1) d
            """, connection))
        {
            duplicates.Parameters.AddWithValue("from", from.UtcDateTime);
            duplicates.Parameters.AddWithValue("to", to.UtcDateTime);
            logDuplicates = (long)(await duplicates.ExecuteScalarAsync())!;
        }

        var delivered = recorder.Deliveries.Where(d => d.ScheduledFor >= from && d.ScheduledFor < to && schedules.ContainsKey(d.TriggerId)).ToList();
        var byTick = delivered.GroupBy(d => (d.TriggerId, d.ScheduledFor)).ToList();
        var duplicateFires = byTick.Count(g => g.Select(d => d.EventId).Distinct().Count() > 1);
        var redeliveries = byTick.Sum(g => g.Count() - g.Select(d => d.EventId).Distinct().Count());
        var deliveryLateness = byTick.Select(g => (g.Min(d => d.ReceivedAt) - g.Key.ScheduledFor).TotalMilliseconds).ToList();
        var missedInLog = expected - logTicks.Count;
        var missedOnBus = expected - byTick.Count;

        return $"""

            Triggers benchmark: {count:N0} cron triggers (20% every second, 30% every 5 s, 50% every minute), {replicas} replica(s), window {from:HH:mm:ss}-{to:HH:mm:ss} UTC
              expected ticks in the window: {expected:N0} ({expected / (to - from).TotalSeconds:N0} fires/s)
              fire log:  {logTicks.Count:N0} fired; outcomes {string.Join(", ", outcomes.Select(o => $"{o.Key} {o.Value:N0}"))}
                         lateness (fired_at - tick) p50 {Percentile(logLateness, 0.50):N1} ms, p99 {Percentile(logLateness, 0.99):N1} ms, max {Percentile(logLateness, 1):N1} ms
                         duplicates (same trigger and tick twice): {logDuplicates}; missed ticks: {missedInLog}
              bus:       {byTick.Count:N0} ticks received by a consumer group ({delivered.Count:N0} deliveries)
                         lateness (received - tick) p50 {Percentile(deliveryLateness, 0.50):N1} ms, p99 {Percentile(deliveryLateness, 0.99):N1} ms, max {Percentile(deliveryLateness, 1):N1} ms
                         duplicate fires (one tick under two event ids): {duplicateFires}; redeliveries of one event id: {redeliveries}; missed ticks: {missedOnBus}
              load average during the run (1/5/15 min, every 30 s): {string.Join(" | ", load)}
            """;
    }

    static double Percentile(List<double> values, double p)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }
        values.Sort();
        return values[Math.Min(values.Count - 1, (int)Math.Ceiling(p * values.Count) - 1 < 0 ? 0 : (int)Math.Ceiling(p * values.Count) - 1)];
    }

    static IHost BuildConsumer(string redis, string streamPrefix, FiredRecorder recorder)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:redis"] = redis,
            ["EventBus:AppId"] = "bench-consumer",
            ["EventBus:StreamPrefix"] = streamPrefix,
            ["EventBus:BatchSize"] = "500",
            ["EventBus:Concurrency"] = "8",
            ["EventBus:NewGroupStartId"] = "0",
        });
        builder.Services.AddSingleton(recorder);
        builder.AddEventBus().AddSubscription<TriggerFired, RecordingHandler>();
        return builder.Build();
    }

    static string LoadAverage() => string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3));

    static string? Option(string[] args, string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
}
