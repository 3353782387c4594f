using Npgsql;
using NpgsqlTypes;

namespace AgentCloud.Billing.Ledger;

/// <summary>Commits, releases and expires holds in batches with <c>billing_settle_holds</c> (Migrations/0007).</summary>
public sealed class SettlementWriter(NpgsqlDataSource dataSource, ILogger logger)
    : GroupCommitWriter<SettlementWriter.Request, SettleResult>("settle_holds", dataSource, logger)
{
    /// <summary><paramref name="kind"/>: commit, release or expire.</summary>
    public Task<SettleResult> SettleAsync(Guid holdId, string kind, long? finalAmount, CancellationToken cancellationToken) =>
        EnqueueAsync(new Request(holdId, kind, finalAmount), cancellationToken);

    protected override object KeyOf(Request request) => request.HoldId;

    protected override Task<IReadOnlyList<SettleResult>> ApplyAsync(IReadOnlyList<Batched> batch) =>
        CallAsync("SELECT * FROM billing_settle_holds($1, $2, $3, $4)",
        [
            LedgerSql.Array(batch, b => b.Request.HoldId, NpgsqlDbType.Uuid),
            LedgerSql.Array(batch, b => b.Request.Kind, NpgsqlDbType.Text),
            LedgerSql.Array(batch, b => b.Request.FinalAmount, NpgsqlDbType.Bigint),
            LedgerSql.Array(batch, b => b.TraceParent, NpgsqlDbType.Text),
        ],
        reader => new SettleResult(
            reader.GetString(0), reader.GetGuid(1), LedgerSql.NullableGuid(reader, 2), reader.GetInt64(3),
            reader.IsDBNull(4) ? null : reader.GetInt64(4), reader.IsDBNull(5) ? null : reader.GetString(5), reader.GetInt64(6)));

    public sealed record Request(Guid HoldId, string Kind, long? FinalAmount);
}
