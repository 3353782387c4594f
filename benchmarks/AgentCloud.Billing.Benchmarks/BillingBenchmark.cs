using System.Globalization;
using AgentCloud.Billing.Ledger;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace AgentCloud.Billing.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project benchmarks/AgentCloud.Billing.Benchmarks -- [--seconds 5] [--rounds 3]
/// [--concurrency 8,64] [--no-fsync] [--no-http] [--only &lt;part of a workload's name&gt;]</c>. Each concurrency level
/// measures every workload; rounds interleave them, so machine noise hits all alike. Medians per level, then ratios.
/// PostgreSQL is durable by default, as the AppHost runs it; <c>--no-fsync</c> runs it as the tests do.
/// </summary>
static class BillingBenchmark
{
    const int Accounts = 100;
    const string RawHot = "raw UPDATE, 1 row (pgbench)";
    const string RawHotNpgsql = "raw UPDATE, 1 row (Npgsql loop)";
    const string OursHot = "hold+commit, 1 hot account (code path)";
    const string HttpHot = "hold+commit, 1 hot account (HTTP API)";
    const string RawSpread = "raw UPDATE, 100 rows (pgbench)";
    const string RawSpreadNpgsql = "raw UPDATE, 100 rows (Npgsql loop)";
    const string OursSpread = "hold+commit, 100 accounts (code path)";
    const string HttpSpread = "hold+commit, 100 accounts (HTTP API)";

    public static async Task<int> Main(string[] args)
    {
        var seconds = int.Parse(Option(args, "--seconds") ?? "5", CultureInfo.InvariantCulture);
        var rounds = int.Parse(Option(args, "--rounds") ?? "3", CultureInfo.InvariantCulture);
        var levels = (Option(args, "--concurrency") ?? "8,64").Split(',').Select(c => int.Parse(c, CultureInfo.InvariantCulture)).ToArray();
        var only = Option(args, "--only");
        var durable = !args.Contains("--no-fsync");
        var http = !args.Contains("--no-http");
        var (warmup, duration) = (TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(seconds));
        Console.WriteLine($"{Environment.ProcessorCount} cores, concurrency {string.Join(", ", levels)}, {seconds}s per measurement, {rounds} rounds, "
            + (durable ? "durable PostgreSQL (fsync and synchronous_commit on, as the AppHost runs it)" : "PostgreSQL with fsync/synchronous_commit off (as the tests)"));

        await using var infrastructure = await Infrastructure.StartAsync(durable);
        var connectionString = new NpgsqlConnectionStringBuilder(await infrastructure.CreateBillingDatabaseAsync("billingbench"))
        {
            MaxPoolSize = levels.Max() + 20,
            MaxAutoPrepare = 20, // the raw loop gets a prepared statement, as pgbench -M prepared and the ledger's writers
            AutoPrepareMinUsages = 2,
        }.ConnectionString;
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var ledger = new TokenLedger(dataSource, LoggerFactory.Create(logging => logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning)).CreateLogger<TokenLedger>());
        var raw = new RawUpdates(dataSource);
        await raw.SetUpAsync(Accounts);
        var pairs = new LedgerPairs(ledger);

        var hot = Guid.NewGuid();
        var spread = Enumerable.Range(0, Accounts).Select(_ => Guid.NewGuid()).ToArray();
        foreach (var tenant in spread.Append(hot))
        {
            await ledger.PurchaseAsync(tenant, null, 1_000_000_000_000, null, null, CancellationToken.None);
        }

        HttpPairs? service = null;
        if (http)
        {
            service = HttpPairs.Start(connectionString, infrastructure.RedisConnectionString, levels.Max());
            await service.WaitHealthyAsync();
        }

        static int Pick(int worker, long i) => (int)((worker * 7919L + i * 31L) % Accounts);
        var results = new Dictionary<(int Concurrency, string Workload), List<double>>();
        foreach (var concurrency in levels)
        {
            Func<Task<double>> Loop(Func<int, long, Task> operation) => () => LoadRunner.RunAsync(concurrency, warmup, duration, operation);
            var pgbench = new PgBench(infrastructure, "billingbench", concurrency);
            var workloads = new List<(string Name, Func<Task<double>> Measure)>
            {
                (RawHot, () => pgbench.RunAsync(1, duration)),
                (RawHotNpgsql, Loop((_, _) => raw.DecrementAsync(1))),
                (OursHot, Loop((_, _) => pairs.HoldAndCommitAsync(hot))),
                (RawSpread, () => pgbench.RunAsync(Accounts, duration)),
                (RawSpreadNpgsql, Loop((w, i) => raw.DecrementAsync(Pick(w, i) + 1))),
                (OursSpread, Loop((w, i) => pairs.HoldAndCommitAsync(spread[Pick(w, i)]))),
            };
            if (service is not null)
            {
                workloads.Add((HttpHot, Loop((_, _) => service.HoldAndCommitAsync(hot))));
                workloads.Add((HttpSpread, Loop((w, i) => service.HoldAndCommitAsync(spread[Pick(w, i)]))));
            }
            workloads.RemoveAll(w => only is not null && !w.Name.Contains(only, StringComparison.OrdinalIgnoreCase));

            for (var round = 1; round <= rounds; round++)
            {
                foreach (var (name, measure) in workloads)
                {
                    var batchesBefore = ledger.HoldBatchesApplied;
                    var rate = await measure();
                    var batches = ledger.HoldBatchesApplied - batchesBefore;
                    (results.TryGetValue((concurrency, name), out var rates) ? rates : results[(concurrency, name)] = []).Add(rate);
                    Console.WriteLine($"c={concurrency,-4} round {round}  {name,-42} {rate,10:F0} /s"
                        + (batches > 0 ? $"  ({batches} ledger batches)" : ""));
                }
            }
        }

        Console.WriteLine();
        Console.WriteLine($"{"clients",7}  {"workload",-42} {"median/s",10}  rounds");
        foreach (var ((concurrency, name), rates) in results)
        {
            Console.WriteLine($"{concurrency,7}  {name,-42} {LoadRunner.Median(rates),10:F0}  "
                + string.Join(" ", rates.Select(r => r.ToString("F0", CultureInfo.InvariantCulture))));
        }
        Console.WriteLine();
        foreach (var concurrency in levels)
        {
            string Ratio(string ours, string baseline) =>
                results.TryGetValue((concurrency, ours), out var a) && results.TryGetValue((concurrency, baseline), out var b)
                    ? (LoadRunner.Median(a) / LoadRunner.Median(b)).ToString("P0", CultureInfo.InvariantCulture) : "-";
            // The issue's baseline is the single-row loop; 100 raw rows is the uncontended baseline, stricter for 100 accounts.
            foreach (var (label, rawPg, rawNpgsql, ours, overHttp) in new[]
            {
                ("1 hot account", RawHot, RawHotNpgsql, OursHot, HttpHot),
                ("100 accounts", RawHot, RawHotNpgsql, OursSpread, HttpSpread),
                ("100 accounts vs 100 raw rows", RawSpread, RawSpreadNpgsql, OursSpread, HttpSpread),
            })
            {
                Console.WriteLine($"ratio at {concurrency} clients, {label}: hold+commit pairs/s (code path) ÷ raw UPDATE/s = "
                    + $"{Ratio(ours, rawPg)} of pgbench, {Ratio(ours, rawNpgsql)} of the Npgsql loop"
                    + (http ? $"; over HTTP: {Ratio(overHttp, rawPg)} of pgbench, {Ratio(overHttp, rawNpgsql)} of the Npgsql loop" : ""));
            }
        }

        double Best(string workload) => levels.Max(c => results.TryGetValue((c, workload), out var rates) ? LoadRunner.Median(rates) : 0);
        foreach (var (label, ours) in new[] { ("1 hot account", OursHot), ("100 accounts", OursSpread) })
        {
            Console.WriteLine($"best level against best level, {label}: {Best(ours):F0} pairs/s = {Best(ours) / Best(RawHot):P0} of pgbench's "
                + $"{Best(RawHot):F0}, {Best(ours) / Best(RawHotNpgsql):P0} of the Npgsql loop's {Best(RawHotNpgsql):F0} (single row)");
        }

        var overdraftFree = await OverdraftCheck.RunAsync(ledger, pairs, service, dataSource, 32);
        return overdraftFree ? 0 : 1;
    }

    static string? Option(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }
}
