using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace AgentCloud.EventBus.Benchmarks;

/// <summary>redis-benchmark's XADD rate on the same server, with a payload as large as one of our CloudEvents.</summary>
static partial class RedisBenchmark
{
    public static async Task<double> XaddAsync(int port, int requests, int clients, int payloadBytes)
    {
        var start = new ProcessStartInfo("redis-benchmark") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[]
        {
            "-h", "127.0.0.1", "-p", port.ToString(), "-n", requests.ToString(), "-c", clients.ToString(), "-q",
            "XADD", "redis-benchmark-stream", "MAXLEN", "~", "100000", "*", "event", new string('x', payloadBytes),
        })
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        // -q prints progress lines separated by \r, then "XADD ...: 123456.79 requests per second, p50=..."
        var match = RequestsPerSecond().Matches(output).LastOrDefault()
            ?? throw new InvalidOperationException($"Unexpected redis-benchmark output: {output}{await process.StandardError.ReadToEndAsync()}");
        return double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"([0-9.]+) requests per second")]
    private static partial Regex RequestsPerSecond();
}
