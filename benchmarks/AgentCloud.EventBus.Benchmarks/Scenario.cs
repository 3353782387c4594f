using System.Diagnostics;
using AgentCloud.EventBus.Abstractions;

namespace AgentCloud.EventBus.Benchmarks;

/// <param name="CpuSeconds">This process's CPU time (publisher, bus, consumer) during the saturated run: unlike the rates,
/// it hardly moves when other processes share the cores.</param>
public sealed record Figures(int Events, double Seconds, double PublishSeconds, double[] Saturated, int Rate, int PacedSeconds, double[] Paced,
    double CpuSeconds)
{
    public double Throughput => Events / Seconds;

    public double CpuMicrosecondsPerEvent => CpuSeconds * 1e6 / Events;
}

/// <summary>Saturating throughput, then latency at a steady rate, for one running host.</summary>
public static class Scenario
{
    public static async Task<Figures> RunAsync(IEventBus bus, Recorder recorder, int events, int rate, int seconds)
    {
        recorder.Reset(2_000); // warm-up: JIT, connections, consumer group
        await PublishAsync(bus, 2_000, inFlight: 256);
        await recorder.Done.WaitAsync(TimeSpan.FromSeconds(60));

        recorder.Reset(events);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        await PublishAsync(bus, events, inFlight: 512);
        var publishSeconds = clock.Elapsed.TotalSeconds;
        await recorder.Done.WaitAsync(TimeSpan.FromMinutes(5));
        var totalSeconds = clock.Elapsed.TotalSeconds;
        var cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
        var saturated = recorder.SortedLatencies();

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
        return new Figures(events, totalSeconds, publishSeconds, saturated, rate, seconds, recorder.SortedLatencies(), cpuSeconds);
    }

    public static BenchEvent NewEvent() => new(Stopwatch.GetTimestamp(), "acct-7f1d9c2e-5b4a-4e0b-9a51-0c6b8d3e2f10", "run-3c2b1a09-8f7e-4d6c-b5a4-93827160fedc", 1234)
    {
        TenantId = "tenant-0001",
        Subject = "runs/1",
    };

    public static string Describe(string title, Figures f) => $"""
        {title}
          Throughput, 1 publisher -> 1 consumer group: {f.Events:N0} events in {f.Seconds:0.00} s = {f.Throughput:N0} events/s published-to-handled
            (publishing alone: {f.Events / f.PublishSeconds:N0} events/s; latency under saturation p50 {Percentile(f.Saturated, 50):0.0} ms, p99 {Percentile(f.Saturated, 99):0.0} ms)
            (CPU of this process: {f.CpuSeconds:0.00} s = {f.CpuMicrosecondsPerEvent:0.0} µs per event, publisher + bus + consumer)
          Latency at {f.Rate:N0} events/s for {f.PacedSeconds} s ({f.Paced.Length:N0} events): p50 {Percentile(f.Paced, 50):0.00} ms, p90 {Percentile(f.Paced, 90):0.00} ms, p99 {Percentile(f.Paced, 99):0.00} ms, max {f.Paced[^1]:0.00} ms
        """;

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
}
