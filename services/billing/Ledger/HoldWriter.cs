using Npgsql;
using NpgsqlTypes;

namespace AgentCloud.Billing.Ledger;

/// <summary>Places holds in batches with <c>billing_place_holds</c> (Migrations/0006).</summary>
public sealed class HoldWriter(NpgsqlDataSource dataSource, string source, ILogger logger)
    : GroupCommitWriter<HoldWriter.Request, HoldResult>("place_holds", logger)
{
    public Task<HoldResult> PlaceHoldAsync(HoldCommand hold, CancellationToken cancellationToken) =>
        EnqueueAsync(new Request(Guid.CreateVersion7(), hold), cancellationToken);

    protected override object KeyOf(Request request) => (request.Hold.TenantId, request.Hold.IdempotencyKey);

    protected override async Task<IReadOnlyList<HoldResult>> ApplyAsync(IReadOnlyList<Batched> batch)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var command = new NpgsqlCommand("SELECT * FROM billing_place_holds($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)", connection);
        command.Parameters.Add(LedgerArrays.Of(batch, b => b.Request.Id, NpgsqlDbType.Uuid));
        command.Parameters.Add(LedgerArrays.Of(batch, b => b.Request.Hold.TenantId, NpgsqlDbType.Uuid));
        command.Parameters.Add(LedgerArrays.Of(batch, b => b.Request.Hold.LocationId, NpgsqlDbType.Uuid));
        command.Parameters.Add(LedgerArrays.Of(batch, b => b.Request.Hold.OperationType, NpgsqlDbType.Text));
        command.Parameters.Add(LedgerArrays.Of(batch, b => b.Request.Hold.Quantity, NpgsqlDbType.Bigint));
        command.Parameters.Add(LedgerArrays.Of(batch, b => b.Request.Hold.IdempotencyKey, NpgsqlDbType.Text));
        command.Parameters.Add(LedgerArrays.Of(batch, b => b.Request.Hold.TtlSeconds, NpgsqlDbType.Integer));
        command.Parameters.Add(LedgerArrays.Of(batch, b => b.Request.Hold.UserId, NpgsqlDbType.Uuid));
        command.Parameters.Add(LedgerArrays.Of(batch, b => b.Request.Hold.SessionId, NpgsqlDbType.Text));
        command.Parameters.Add(LedgerArrays.Of(batch, b => b.Request.Hold.Description, NpgsqlDbType.Text));
        command.Parameters.Add(LedgerArrays.Of(batch, b => b.Request.Hold.Metadata?.GetRawText(), NpgsqlDbType.Jsonb));
        command.Parameters.Add(LedgerArrays.Of(batch, b => b.TraceParent, NpgsqlDbType.Text));
        command.Parameters.Add(new NpgsqlParameter { Value = source });

        await command.PrepareAsync(); // once per physical connection: Npgsql keeps it across pool returns
        var results = new List<HoldResult>(batch.Count);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            results.Add(new HoldResult(
                reader.GetString(0), LedgerArrays.NullableGuid(reader, 1), LedgerArrays.NullableGuid(reader, 2), reader.GetInt64(3),
                reader.IsDBNull(4) ? null : reader.GetString(4), reader.GetInt64(5),
                reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6)));
        }
        return results;
    }

    public sealed record Request(Guid Id, HoldCommand Hold);
}
