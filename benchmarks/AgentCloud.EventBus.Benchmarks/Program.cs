using AgentCloud.EventBus.Abstractions;
using AgentCloud.EventBus.Benchmarks;
using AgentCloud.EventBus.CloudEvents;
using AgentCloud.LocalServers;
using AgentCloud.ServiceDefaults.Data;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

// Usage: dotnet AgentCloud.EventBus.Benchmarks.dll [events=100000] [rate=1000] [seconds=10] [inbox=true]
var arguments = args.Select(a => a.Split('=', 2)).Where(a => a.Length == 2).ToDictionary(a => a[0], a => a[1]);
var events = int.Parse(arguments.GetValueOrDefault("events", "100000"));
var rate = int.Parse(arguments.GetValueOrDefault("rate", "1000"));
var seconds = int.Parse(arguments.GetValueOrDefault("seconds", "10"));
var withInbox = bool.Parse(arguments.GetValueOrDefault("inbox", "true"));

var folder = Directory.CreateTempSubdirectory("eventbus-bench-").FullName;
File.SetUnixFileMode(folder, (UnixFileMode)0b111_101_101); // postgres runs as its own user and must traverse it
var (redisPort, postgresPort) = (FreePort.Next(), FreePort.Next());
LocalRedis.Package.Ensure();
var servers = new List<LocalProcess> { LocalProcess.Start(new LocalRedis(Path.Combine(folder, "redis")).Server(redisPort.ToString(), diesWithParent: true)) };
var postgres = new LocalPostgres(Path.Combine(folder, "postgres"), ephemeral: true);
string PostgresConnectionString(string database) => LocalPostgres.ConnectionString(postgresPort, postgres.Password(), database);
if (withInbox)
{
    postgres.Initialize();
    servers.Add(LocalProcess.Start(postgres.Server(postgresPort.ToString(), diesWithParent: true)));
}

try
{
    while (!await LocalRedis.IsReadyAsync(redisPort, CancellationToken.None)
        || (withInbox && !await LocalPostgres.IsReadyAsync(PostgresConnectionString("postgres"), CancellationToken.None)))
    {
        await Task.Delay(50);
    }
    var payloadBytes = CloudEventSerializer.Serialize(CloudEventSerializer.Wrap(Scenario.NewEvent(), "bench", null)).Length;
    var report = new List<string>();

    using (var host = BuildHost("bench", database: null))
    {
        await host.StartAsync();
        var figures = await Scenario.RunAsync(host.Services.GetRequiredService<IEventBus>(), host.Services.GetRequiredService<Recorder>(), events, rate, seconds);
        report.Add(Scenario.Describe("Redis Streams transport, handler without inbox:", figures));
        var xadd50 = await RedisBenchmark.XaddAsync(redisPort, 200_000, 50, payloadBytes);
        var xadd1 = await RedisBenchmark.XaddAsync(redisPort, 50_000, 1, payloadBytes);
        report.Add($"""
            redis-benchmark XADD (same server, {payloadBytes}-byte field): {xadd50:N0} req/s with 50 clients, {xadd1:N0} req/s with 1 client
              Ratio: our published-to-handled rate is {figures.Throughput / xadd50:P0} of XADD with 50 clients, {figures.Throughput / xadd1:P0} with 1 client
            """);
        await host.StopAsync();
    }

    if (withInbox)
    {
        await LocalPostgres.CreateDatabaseAsync(PostgresConnectionString("postgres"), "bench", CancellationToken.None);
        using var host = BuildHost("bench-inbox", PostgresConnectionString("bench"));
        await host.StartAsync();
        var figures = await Scenario.RunAsync(host.Services.GetRequiredService<IEventBus>(), host.Services.GetRequiredService<Recorder>(), events / 4, rate, seconds);
        report.Add(Scenario.Describe("Redis Streams transport, handler writing a row through the Postgres inbox (one transaction per event):", figures));
        await host.StopAsync();
    }

    Console.WriteLine($"""

        AgentCloud.EventBus benchmark ({Environment.ProcessorCount} cores, private redis-server 7 and PostgreSQL on loopback, CloudEvent {payloadBytes} bytes)
        {string.Join("\n", report)}
        """);
}
finally
{
    await Task.WhenAll(servers.Select(server => server.StopAsync(TimeSpan.FromSeconds(5))));
    Directory.Delete(folder, recursive: true);
}

IHost BuildHost(string appId, string? database)
{
    var builder = Host.CreateApplicationBuilder();
    builder.Logging.SetMinimumLevel(LogLevel.Warning);
    builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["ConnectionStrings:redis"] = $"127.0.0.1:{redisPort}",
        ["ConnectionStrings:benchdb"] = database,
        ["EventBus:AppId"] = appId,
        ["EventBus:StreamPrefix"] = $"{appId}:", // each scenario its own streams: a new group would otherwise read the last one's events
        ["EventBus:BatchSize"] = "500",
        ["EventBus:Concurrency"] = "8",
    });
    builder.Services.AddSingleton<Recorder>();
    if (database is null)
    {
        builder.AddEventBus().AddSubscription<BenchEvent, RecordingHandler>();
    }
    else
    {
        builder.AddMigratedNpgsqlDbContext<BenchDbContext>("benchdb");
        builder.AddEventBus().AddSubscription<BenchEvent, DebitingHandler>().AddOutboxInbox<BenchDbContext>();
    }
    return builder.Build();
}
