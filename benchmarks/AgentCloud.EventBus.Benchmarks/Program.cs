using System.Diagnostics;
using AgentCloud.EventBus.Abstractions;
using AgentCloud.EventBus.Benchmarks;
using AgentCloud.EventBus.CloudEvents;
using AgentCloud.Hosting.Machine;
using AgentCloud.Hosting.Orchestration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

// Usage: dotnet run -c Release --project benchmarks/AgentCloud.EventBus.Benchmarks [-- events=100000 rate=1000 seconds=10]
var arguments = args.Select(a => a.Split('=', 2)).Where(a => a.Length == 2).ToDictionary(a => a[0], a => a[1]);
var throughputEvents = int.Parse(arguments.GetValueOrDefault("events", "100000"));
var rate = int.Parse(arguments.GetValueOrDefault("rate", "1000"));
var seconds = int.Parse(arguments.GetValueOrDefault("seconds", "10"));

var folder = Directory.CreateTempSubdirectory("eventbus-bench-").FullName;
var redis = new RedisInstance(Path.Combine(folder, "redis"), FreePort.Next());
await redis.InitializeAsync(Console.WriteLine, CancellationToken.None);
var (file, redisArguments) = redis.ServerCommand();
await using var server = ManagedProcess.Start(file, redisArguments, new ResourceLog("redis", null));
while (!await redis.IsReadyAsync(CancellationToken.None))
{
    await Task.Delay(50);
}

try
{
    var builder = Host.CreateApplicationBuilder();
    builder.Logging.SetMinimumLevel(LogLevel.Warning);
    builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["ConnectionStrings:redis"] = redis.ConnectionString,
        ["EventBus:AppId"] = "bench",
        ["EventBus:BatchSize"] = "500",
        ["EventBus:Concurrency"] = "8",
    });
    builder.Services.AddSingleton<Recorder>();
    builder.AddEventBus().AddSubscription<BenchEvent, RecordingHandler>();
    using var host = builder.Build();
    await host.StartAsync();
    var bus = host.Services.GetRequiredService<IEventBus>();
    var recorder = host.Services.GetRequiredService<Recorder>();
    var sample = new BenchEvent(Stopwatch.GetTimestamp(), $"acct-{Guid.NewGuid()}", $"run-{Guid.NewGuid()}", 1234) { TenantId = "tenant-0001", Subject = "runs/1" };
    var payloadBytes = CloudEventSerializer.Serialize(CloudEventSerializer.Wrap(sample, "bench", null)).Length;

    // Warm-up: JIT, connections, consumer group.
    recorder.Reset(2_000);
    await PublishAsync(bus, 2_000, inFlight: 256);
    await recorder.Done.WaitAsync(TimeSpan.FromSeconds(60));

    // 1. Throughput: one publisher as fast as it can (bounded in-flight), one consumer group.
    recorder.Reset(throughputEvents);
    var clock = Stopwatch.StartNew();
    await PublishAsync(bus, throughputEvents, inFlight: 512);
    var publishSeconds = clock.Elapsed.TotalSeconds;
    await recorder.Done.WaitAsync(TimeSpan.FromMinutes(5));
    var totalSeconds = clock.Elapsed.TotalSeconds;
    var throughput = throughputEvents / totalSeconds;
    var saturated = recorder.SortedLatencies();

    // 2. Latency at a steady rate.
    var paced = rate * seconds;
    recorder.Reset(paced);
    var start = Stopwatch.GetTimestamp();
    for (var i = 0; i < paced; i++)
    {
        var due = start + (long)(i * (double)Stopwatch.Frequency / rate);
        while (Stopwatch.GetTimestamp() < due)
        {
            var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
            if (wait > TimeSpan.FromMilliseconds(2))
            {
                await Task.Delay(wait - TimeSpan.FromMilliseconds(1));
            }
            else
            {
                Thread.SpinWait(50);
            }
        }
        await bus.PublishAsync(NewEvent());
    }
    await recorder.Done.WaitAsync(TimeSpan.FromMinutes(2));
    var steady = recorder.SortedLatencies();
    await host.StopAsync();

    var xadd50 = await RedisBenchmark.XaddAsync(redis.Port, 200_000, 50, payloadBytes);
    var xadd1 = await RedisBenchmark.XaddAsync(redis.Port, 50_000, 1, payloadBytes);

    Console.WriteLine($"""

        AgentCloud.EventBus benchmark ({Environment.ProcessorCount} cores, redis-server on 127.0.0.1:{redis.Port}, CloudEvent {payloadBytes} bytes)
        Throughput, 1 publisher -> 1 consumer group: {throughputEvents:N0} events in {totalSeconds:0.00} s = {throughput:N0} events/s published-to-handled
          (publishing alone took {publishSeconds:0.00} s = {throughputEvents / publishSeconds:N0} events/s; latency under saturation p50 {Percentile(saturated, 50):0.0} ms, p99 {Percentile(saturated, 99):0.0} ms)
        Latency at {rate:N0} events/s for {seconds} s ({paced:N0} events): p50 {Percentile(steady, 50):0.00} ms, p90 {Percentile(steady, 90):0.00} ms, p99 {Percentile(steady, 99):0.00} ms, max {steady[^1]:0.00} ms
        redis-benchmark XADD (same server, {payloadBytes}-byte field): {xadd50:N0} req/s with 50 clients, {xadd1:N0} req/s with 1 client
        Ratio: our published-to-handled rate is {throughput / xadd50:P0} of redis-benchmark XADD (50 clients), {throughput / xadd1:P0} of XADD (1 client)
        """);
}
finally
{
    await server.StopAsync(TimeSpan.FromSeconds(5));
    Directory.Delete(folder, recursive: true);
}

static BenchEvent NewEvent() => new(Stopwatch.GetTimestamp(), "acct-7f1d9c2e-5b4a-4e0b-9a51-0c6b8d3e2f10", "run-3c2b1a09-8f7e-4d6c-b5a4-93827160fedc", 1234)
{
    TenantId = "tenant-0001",
    Subject = "runs/1",
};

static async Task PublishAsync(IEventBus bus, int count, int inFlight)
{
    using var window = new SemaphoreSlim(inFlight);
    var pending = new List<Task>(count);
    for (var i = 0; i < count; i++)
    {
        await window.WaitAsync();
        pending.Add(Publish());
    }
    await Task.WhenAll(pending);

    async Task Publish()
    {
        try
        {
            await bus.PublishAsync(NewEvent());
        }
        finally
        {
            window.Release();
        }
    }
}

static double Percentile(double[] sorted, double percentile) =>
    sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(percentile / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];
