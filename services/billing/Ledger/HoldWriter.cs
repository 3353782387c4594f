using Npgsql;
using NpgsqlTypes;

namespace AgentCloud.Billing.Ledger;

/// <summary>Places holds in batches with <c>billing_place_holds</c> (Migrations/0007).</summary>
public sealed class HoldWriter(NpgsqlDataSource dataSource, ILogger logger)
    : GroupCommitWriter<HoldWriter.Request, HoldResult>("place_holds", dataSource, logger)
{
    public Task<HoldResult> PlaceHoldAsync(HoldCommand hold, CancellationToken cancellationToken) =>
        EnqueueAsync(new Request(Guid.CreateVersion7(), hold), cancellationToken);

    protected override object KeyOf(Request request) => (request.Hold.TenantId, request.Hold.IdempotencyKey);

    protected override Task<IReadOnlyList<HoldResult>> ApplyAsync(IReadOnlyList<Batched> batch) =>
        CallAsync("SELECT * FROM billing_place_holds($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        [
            LedgerSql.Array(batch, b => b.Request.Id, NpgsqlDbType.Uuid),
            LedgerSql.Array(batch, b => b.Request.Hold.TenantId, NpgsqlDbType.Uuid),
            LedgerSql.Array(batch, b => b.Request.Hold.LocationId, NpgsqlDbType.Uuid),
            LedgerSql.Array(batch, b => b.Request.Hold.OperationType, NpgsqlDbType.Text),
            LedgerSql.Array(batch, b => b.Request.Hold.Quantity, NpgsqlDbType.Bigint),
            LedgerSql.Array(batch, b => b.Request.Hold.IdempotencyKey, NpgsqlDbType.Text),
            LedgerSql.Array(batch, b => b.Request.Hold.TtlSeconds, NpgsqlDbType.Integer),
            LedgerSql.Array(batch, b => b.Request.Hold.UserId, NpgsqlDbType.Uuid),
            LedgerSql.Array(batch, b => b.Request.Hold.SessionId, NpgsqlDbType.Text),
            LedgerSql.Array(batch, b => b.Request.Hold.Description, NpgsqlDbType.Text),
            LedgerSql.Array(batch, b => b.Request.Hold.Metadata?.GetRawText(), NpgsqlDbType.Jsonb),
            LedgerSql.Array(batch, b => b.TraceParent, NpgsqlDbType.Text),
        ],
        reader => new HoldResult(
            reader.GetString(0), LedgerSql.NullableGuid(reader, 1), LedgerSql.NullableGuid(reader, 2), reader.GetInt64(3),
            reader.IsDBNull(4) ? null : reader.GetString(4), reader.GetInt64(5),
            reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6)));

    public sealed record Request(Guid Id, HoldCommand Hold);
}
