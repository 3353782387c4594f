using AgentCloud.Billing.Ledger;
using Npgsql;

namespace AgentCloud.Billing.Benchmarks;

/// <summary>
/// Drains an account of exactly N tokens with more concurrent demand than it can pay: exactly N pairs may succeed, the
/// balance must end at 0, no account anywhere may be negative, and every balance must equal the sum of its ledger.
/// </summary>
static class OverdraftCheck
{
    const long Tokens = 2000;

    public static async Task<bool> RunAsync(TokenLedger ledger, LedgerPairs pairs, HttpPairs? service, NpgsqlDataSource dataSource, int concurrency)
    {
        var ok = await DrainAsync("code path", ledger, tenant => pairs.HoldAndCommitAsync(tenant), dataSource, concurrency);
        if (service is not null)
        {
            ok &= await DrainAsync("HTTP API", ledger, service.HoldAndCommitAsync, dataSource, concurrency);
        }
        var (accounts, mismatches) = await ledger.VerifyAsync(null, CancellationToken.None);
        await using var command = dataSource.CreateCommand("SELECT min(available_tokens) FROM token_accounts");
        var lowest = (long)(await command.ExecuteScalarAsync())!;
        Console.WriteLine($"ledger: {accounts} accounts, {mismatches.Count} with balance != sum(ledger); lowest balance {lowest}");
        return ok && mismatches.Count == 0 && lowest >= 0;
    }

    static async Task<bool> DrainAsync(string path, TokenLedger ledger, Func<Guid, Task<bool>> holdAndCommit, NpgsqlDataSource dataSource, int concurrency)
    {
        var tenant = Guid.NewGuid();
        await ledger.PurchaseAsync(tenant, null, Tokens, null, null, CancellationToken.None);
        long succeeded = 0, refused = 0;
        await Task.WhenAll(Enumerable.Range(0, concurrency * 4).Select(_ => Task.Run(async () =>
        {
            // Each client keeps going until it is refused twice, so refusals and successes interleave at the end.
            var refusals = 0;
            while (refusals < 2)
            {
                if (await holdAndCommit(tenant))
                {
                    Interlocked.Increment(ref succeeded);
                }
                else
                {
                    refusals++;
                    Interlocked.Increment(ref refused);
                }
            }
        })));
        await using var command = dataSource.CreateCommand("SELECT available_tokens FROM token_accounts WHERE tenant_id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = tenant });
        var balance = (long)(await command.ExecuteScalarAsync())!;
        var ok = succeeded == Tokens && balance == 0;
        Console.WriteLine($"overdraft check ({path}): {Tokens} tokens, {concurrency * 4} clients: {succeeded} pairs succeeded, {refused} refused, "
            + $"final balance {balance} -> {(ok ? "no overdraft" : "FAILED")}");
        return ok;
    }
}
