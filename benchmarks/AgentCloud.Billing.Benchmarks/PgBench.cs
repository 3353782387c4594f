using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using AgentCloud.LocalServers;

namespace AgentCloud.Billing.Benchmarks;

/// <summary>The same raw UPDATE loop driven by PostgreSQL's own pgbench (C client, prepared statements): the server's ceiling.</summary>
sealed partial class PgBench(ThrowAwayServers infrastructure, string database, int concurrency)
{
    readonly string _pgbench = Path.Combine(LocalPostgres.FindBinDirectory()!, "pgbench");

    public async Task<double> RunAsync(int rows, TimeSpan duration)
    {
        var script = Path.GetTempFileName();
        await File.WriteAllTextAsync(script, rows == 1
            ? "UPDATE bench_counter SET balance = balance - 1 WHERE id = 1;\n"
            : $"\\set id random(1, {rows})\nUPDATE bench_counter SET balance = balance - 1 WHERE id = :id;\n");
        try
        {
            var start = new ProcessStartInfo(_pgbench)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                Environment = { ["PGPASSWORD"] = infrastructure.Password },
            };
            foreach (var argument in new[]
            {
                "-h", "127.0.0.1", "-p", infrastructure.PostgresPort.ToString(CultureInfo.InvariantCulture), "-U", LocalPostgres.User, "-n",
                "-M", "prepared", "-c", concurrency.ToString(CultureInfo.InvariantCulture), "-j", "2",
                "-T", ((int)duration.TotalSeconds).ToString(CultureInfo.InvariantCulture), "-f", script, database,
            })
            {
                start.ArgumentList.Add(argument);
            }
            using var process = Process.Start(start)!;
            var output = await process.StandardOutput.ReadToEndAsync();
            var errors = await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            var match = Tps().Match(output);
            return match.Success
                ? double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture)
                : throw new InvalidOperationException($"pgbench failed ({process.ExitCode}): {output}\n{errors}");
        }
        finally
        {
            File.Delete(script);
        }
    }

    [GeneratedRegex(@"tps = ([0-9.]+) \(without initial connection time\)")]
    private static partial Regex Tps();
}
