using System.Globalization;
using AgentCloud.Billing.Ledger;
using Npgsql;

namespace AgentCloud.Billing.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project benchmarks/AgentCloud.Billing.Benchmarks -- [--seconds 5] [--rounds 3]
/// [--concurrency 8] [--durable] [--no-http]</c>. Rounds interleave every workload, so machine noise hits all alike.
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
        var seconds = Option(args, "--seconds", 5);
        var rounds = Option(args, "--rounds", 3);
        var concurrency = Option(args, "--concurrency", 8);
        var durable = args.Contains("--durable");
        var http = !args.Contains("--no-http");
        var (warmup, duration) = (TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(seconds));
        Console.WriteLine($"{Environment.ProcessorCount} cores, {concurrency} concurrent clients, {seconds}s per measurement, {rounds} rounds, "
            + (durable ? "durable PostgreSQL (fsync on, synchronous_commit on)" : "PostgreSQL with fsync/synchronous_commit off (as the tests)"));

        await using var infrastructure = await Infrastructure.StartAsync(durable);
        var connectionString = new NpgsqlConnectionStringBuilder(await infrastructure.CreateBillingDatabaseAsync("billingbench"))
        {
            MaxPoolSize = concurrency + 20,
            MaxAutoPrepare = 20, // both the raw loop and the ledger get prepared statements
            AutoPrepareMinUsages = 2,
        }.ConnectionString;
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var ledger = new TokenLedger(dataSource);
        var raw = new RawUpdates(dataSource);
        await raw.SetUpAsync(Accounts);
        var pairs = new LedgerPairs(ledger);

        var hot = Guid.NewGuid();
        var spread = Enumerable.Range(0, Accounts).Select(_ => Guid.NewGuid()).ToArray();
        foreach (var tenant in spread.Append(hot))
        {
            await ledger.PurchaseAsync(tenant, null, 1_000_000_000_000, null, CancellationToken.None);
        }

        HttpPairs? service = null;
        if (http)
        {
            service = HttpPairs.Start(connectionString, infrastructure.Redis.ConnectionString, concurrency);
            await service.WaitHealthyAsync();
        }

        static int Pick(int worker, long i) => (int)((worker * 7919L + i * 31L) % Accounts);
        Func<Task<double>> Loop(Func<int, long, Task> operation) => () => LoadRunner.RunAsync(concurrency, warmup, duration, operation);
        var pgbench = new PgBench(infrastructure.Postgres, "billingbench", concurrency);
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

        var results = workloads.ToDictionary(w => w.Name, _ => new List<double>());
        for (var round = 1; round <= rounds; round++)
        {
            foreach (var (name, measure) in workloads)
            {
                var rate = await measure();
                results[name].Add(rate);
                Console.WriteLine($"round {round}  {name,-42} {rate,10:F0} /s");
            }
        }

        Console.WriteLine();
        Console.WriteLine($"{"workload",-42} {"median/s",10}  rounds");
        foreach (var (name, rates) in results)
        {
            Console.WriteLine($"{name,-42} {LoadRunner.Median(rates),10:F0}  {string.Join(" ", rates.Select(r => r.ToString("F0", CultureInfo.InvariantCulture)))}");
        }
        double Ratio(string ours, string baseline) => LoadRunner.Median(results[ours]) / LoadRunner.Median(results[baseline]);
        Console.WriteLine();
        foreach (var (label, rawPg, rawNpgsql, ours, overHttp) in new[]
        {
            ("1 hot account", RawHot, RawHotNpgsql, OursHot, HttpHot), ("100 accounts", RawSpread, RawSpreadNpgsql, OursSpread, HttpSpread),
        })
        {
            Console.WriteLine($"ratio, {label}: hold+commit pairs/s (code path) ÷ raw UPDATE/s = {Ratio(ours, rawPg):P0} of pgbench, "
                + $"{Ratio(ours, rawNpgsql):P0} of the Npgsql loop"
                + (http ? $"; over HTTP: {Ratio(overHttp, rawPg):P0} of pgbench, {Ratio(overHttp, rawNpgsql):P0} of the Npgsql loop" : ""));
        }

        var overdraftFree = await OverdraftCheck.RunAsync(ledger, pairs, service, dataSource, concurrency);
        return overdraftFree ? 0 : 1;
    }

    static int Option(string[] args, string name, int fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length && int.TryParse(args[index + 1], out var value) ? value : fallback;
    }
}
