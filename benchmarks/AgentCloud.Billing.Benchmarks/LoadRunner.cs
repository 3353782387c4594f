using System.Diagnostics;

namespace AgentCloud.Billing.Benchmarks;

/// <summary>Runs one operation in a closed loop on N workers; counts completions after a warm-up.</summary>
static class LoadRunner
{
    /// <summary>Completed operations per second over <paramref name="duration"/>, after <paramref name="warmup"/>.</summary>
    public static async Task<double> RunAsync(int concurrency, TimeSpan warmup, TimeSpan duration, Func<int, long, Task> operation)
    {
        var counts = new long[concurrency * 16]; // one padded slot per worker: no false sharing
        using var stop = new CancellationTokenSource();
        var workers = Enumerable.Range(0, concurrency).Select(worker => Task.Run(async () =>
        {
            for (long i = 0; !stop.IsCancellationRequested; i++)
            {
                await operation(worker, i);
                Interlocked.Increment(ref counts[worker * 16]);
            }
        })).ToArray();

        await Task.Delay(warmup);
        var startCount = Sum(counts);
        var clock = Stopwatch.StartNew();
        await Task.Delay(duration);
        var endCount = Sum(counts);
        var elapsed = clock.Elapsed;
        stop.Cancel();
        await Task.WhenAll(workers);
        return (endCount - startCount) / elapsed.TotalSeconds;
    }

    static long Sum(long[] counts)
    {
        long total = 0;
        for (var i = 0; i < counts.Length; i += 16)
        {
            total += Interlocked.Read(ref counts[i]);
        }
        return total;
    }

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
