using Npgsql;
using NpgsqlTypes;

namespace AgentCloud.Billing.Ledger;

/// <summary>Commits, releases and expires holds in batches with <c>billing_settle_holds</c> (Migrations/0006).</summary>
public sealed class SettlementWriter(NpgsqlDataSource dataSource, string source, ILogger logger)
    : GroupCommitWriter<SettlementWriter.Request, SettleResult>("settle_holds", logger)
{
    /// <summary><paramref name="kind"/>: commit, release or expire.</summary>
    public Task<SettleResult> SettleAsync(Guid holdId, string kind, long? finalAmount, CancellationToken cancellationToken) =>
        EnqueueAsync(new Request(holdId, kind, finalAmount), cancellationToken);

    protected override object KeyOf(Request request) => request.HoldId;

    protected override async Task<IReadOnlyList<SettleResult>> ApplyAsync(IReadOnlyList<Batched> batch)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var command = new NpgsqlCommand("SELECT * FROM billing_settle_holds($1, $2, $3, $4, $5)", connection);
        command.Parameters.Add(LedgerArrays.Of(batch, b => b.Request.HoldId, NpgsqlDbType.Uuid));
        command.Parameters.Add(LedgerArrays.Of(batch, b => b.Request.Kind, NpgsqlDbType.Text));
        command.Parameters.Add(LedgerArrays.Of(batch, b => b.Request.FinalAmount, NpgsqlDbType.Bigint));
        command.Parameters.Add(LedgerArrays.Of(batch, b => b.TraceParent, NpgsqlDbType.Text));
        command.Parameters.Add(new NpgsqlParameter { Value = source });

        await command.PrepareAsync(); // once per physical connection: Npgsql keeps it across pool returns
        var results = new List<SettleResult>(batch.Count);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            results.Add(new SettleResult(
                reader.GetString(0), reader.GetGuid(1), LedgerArrays.NullableGuid(reader, 2), reader.GetInt64(3),
                reader.IsDBNull(4) ? null : reader.GetInt64(4), reader.IsDBNull(5) ? null : reader.GetString(5), reader.GetInt64(6)));
        }
        return results;
    }

    public sealed record Request(Guid HoldId, string Kind, long? FinalAmount);
}
