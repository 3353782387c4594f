using AgentCloud.Billing.Ledger;
using AgentCloud.Contracts.Billing;
using Npgsql;

namespace AgentCloud.Billing.Benchmarks;

/// <summary>The baseline: one autocommitted single-row UPDATE per operation, as pgbench's simplest script would send.</summary>
sealed class RawUpdates(NpgsqlDataSource dataSource)
{
    public async Task SetUpAsync(int rows)
    {
        await using var command = dataSource.CreateCommand($"""
            DROP TABLE IF EXISTS bench_counter;
            CREATE TABLE bench_counter (id integer PRIMARY KEY, balance bigint NOT NULL);
            INSERT INTO bench_counter SELECT g, 1000000000000 FROM generate_series(1, {rows}) g;
            """);
        await command.ExecuteNonQueryAsync();
    }

    public async Task DecrementAsync(int row)
    {
        await using var command = dataSource.CreateCommand("UPDATE bench_counter SET balance = balance - 1 WHERE id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = row });
        await command.ExecuteNonQueryAsync();
    }
}

/// <summary>Hold + commit through <see cref="TokenLedger"/>, the class the service's HTTP handlers call.</summary>
sealed class LedgerPairs(TokenLedger ledger)
{
    public async Task<bool> HoldAndCommitAsync(Guid tenantId)
    {
        var hold = await ledger.PlaceHoldAsync(
            new HoldCommand(tenantId, null, OperationTypes.Sms, 1, Guid.NewGuid().ToString(), 300), CancellationToken.None);
        if (hold.Outcome != "held")
        {
            return false;
        }
        var commit = await ledger.CommitAsync(hold.HoldId!.Value, null, CancellationToken.None);
        return commit.Outcome == "committed" ? true : throw new InvalidOperationException($"Commit answered {commit.Outcome}");
    }
}
