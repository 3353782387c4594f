using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using NpgsqlTypes;

namespace AgentCloud.Billing.Ledger;

/// <summary>
/// Every balance change is one call of a SQL function (Migrations/0004, 0006, 0007): one round trip, one transaction, the
/// overdraft check under the account's row lock. Events go to the outbox in that same transaction. Holds and their
/// settlements, the hot path, are batched across concurrent callers (<see cref="GroupCommitWriter{TRequest, TResult}"/>).
/// </summary>
public sealed class TokenLedger(NpgsqlDataSource dataSource, ILogger<TokenLedger>? logger = null) : IAsyncDisposable
{
    readonly HoldWriter _holds = new(dataSource, (ILogger?)logger ?? NullLogger.Instance);
    readonly SettlementWriter _settlements = new(dataSource, (ILogger?)logger ?? NullLogger.Instance);

    /// <summary>Reserves tokens. Holds and their settlements go through the group commit writers.</summary>
    public Task<HoldResult> PlaceHoldAsync(HoldCommand hold, CancellationToken cancellationToken) =>
        _holds.PlaceHoldAsync(hold, cancellationToken);

    public Task<SettleResult> CommitAsync(Guid holdId, long? finalAmount, CancellationToken cancellationToken) =>
        _settlements.SettleAsync(holdId, "commit", finalAmount, cancellationToken);

    public Task<SettleResult> ReleaseAsync(Guid holdId, CancellationToken cancellationToken) =>
        _settlements.SettleAsync(holdId, "release", null, cancellationToken);

    /// <summary>Expires one hold whose time has passed (no-op otherwise, or when it was settled meanwhile).</summary>
    public Task<SettleResult> ExpireAsync(Guid holdId, CancellationToken cancellationToken) =>
        _settlements.SettleAsync(holdId, "expire", null, cancellationToken);

    /// <summary>Database calls made for holds and their settlements (each applies a whole queue of them).</summary>
    public long HoldBatchesApplied => _holds.BatchesApplied + _settlements.BatchesApplied;

    public async Task<IReadOnlyList<Guid>> ExpiredHoldsAsync(int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT id FROM token_holds WHERE status = 'held' AND expires_at <= now() ORDER BY expires_at LIMIT $1");
        command.Parameters.Add(new() { Value = limit });
        return await ReadGuidsAsync(command, cancellationToken);
    }

    /// <summary>
    /// Buys tokens. With <paramref name="feeMonth"/> (null: the fee is off), a tenant account not yet charged for that
    /// month pays its fee from this purchase, in the same transaction, or the purchase is refused when it cannot cover it.
    /// </summary>
    public async Task<PurchaseResult> PurchaseAsync(Guid tenantId, Guid? locationId, long amount, string? idempotencyKey, DateOnly? feeMonth,
        CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT * FROM billing_purchase($1, $2, $3, $4, $5, $6)");
        command.Parameters.Add(new() { Value = tenantId });
        command.Parameters.Add(LedgerSql.Nullable(locationId, NpgsqlDbType.Uuid));
        command.Parameters.Add(new() { Value = amount });
        command.Parameters.Add(LedgerSql.Nullable(idempotencyKey, NpgsqlDbType.Text));
        command.Parameters.Add(LedgerSql.Nullable(feeMonth, NpgsqlDbType.Date));
        command.Parameters.Add(LedgerSql.Nullable(LedgerSql.TraceParent(), NpgsqlDbType.Text));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new PurchaseResult(reader.GetString(0), LedgerSql.NullableGuid(reader, 1), reader.GetInt64(2), reader.GetInt64(3),
            reader.GetInt64(4), reader.GetInt64(5), reader.GetInt64(6));
    }

    /// <summary>The last monthly fee charged to the account, or null (none yet, or a location account).</summary>
    public async Task<MonthlyFeeCharge?> LastMonthlyFeeAsync(Guid accountId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT last_monthly_fee_date, last_monthly_fee_at, coalesce(last_monthly_fee_tokens, 0) FROM token_accounts
            WHERE id = $1 AND last_monthly_fee_date IS NOT NULL
            """);
        command.Parameters.Add(new() { Value = accountId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new MonthlyFeeCharge(reader.GetFieldValue<DateOnly>(0), reader.IsDBNull(1) ? null : reader.GetFieldValue<DateTimeOffset>(1), reader.GetInt64(2))
            : null;
    }

    /// <summary>
    /// Tenant accounts not yet charged for <paramref name="month"/> (first day of a UTC month). One that never bought
    /// anything is not due: its first purchase pays its first fee.
    /// </summary>
    public async Task<IReadOnlyList<Guid>> AccountsDueForFeeAsync(DateOnly month, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT id FROM token_accounts
            WHERE location_id IS NULL AND (last_monthly_fee_date < $1 OR (last_monthly_fee_date IS NULL AND total_tokens_purchased > 0))
            ORDER BY id
            """);
        command.Parameters.Add(new() { Value = month });
        return await ReadGuidsAsync(command, cancellationToken);
    }

    public async Task<bool> ChargeMonthlyFeeAsync(Guid accountId, DateOnly month, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT billing_charge_monthly_fee($1, $2, 'monthly job', $3)");
        command.Parameters.Add(new() { Value = accountId });
        command.Parameters.Add(new() { Value = month });
        command.Parameters.Add(LedgerSql.Nullable(LedgerSql.TraceParent(), NpgsqlDbType.Text));
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>Returns "recorded" or "duplicate" (this key was charged before).</summary>
    public async Task<string> RecordUsageAsync(UsageCommand usage, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT billing_record_usage($1, $2, $3, $4, $5, $6, $7, $8, $9)");
        command.Parameters.Add(new() { Value = usage.TenantId });
        command.Parameters.Add(LedgerSql.Nullable(usage.LocationId, NpgsqlDbType.Uuid));
        command.Parameters.Add(LedgerSql.Nullable(usage.UserId, NpgsqlDbType.Uuid));
        command.Parameters.Add(LedgerSql.Nullable(usage.SessionId, NpgsqlDbType.Text));
        command.Parameters.Add(new() { Value = usage.OperationType });
        command.Parameters.Add(new() { Value = usage.Tokens });
        command.Parameters.Add(LedgerSql.Nullable(usage.Description, NpgsqlDbType.Text));
        command.Parameters.Add(new() { Value = usage.Key });
        command.Parameters.Add(LedgerSql.Nullable(LedgerSql.TraceParent(), NpgsqlDbType.Text));
        return (string)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>Accounts (of one tenant, or all) whose available balance is not the sum of their ledger.</summary>
    public async Task<(int Accounts, IReadOnlyList<LedgerMismatch> Mismatches)> VerifyAsync(Guid? tenantId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT a.id, a.tenant_id, a.location_id, a.available_tokens, coalesce(l.total, 0),
                   count(*) OVER () AS accounts
            FROM token_accounts a
            LEFT JOIN (SELECT account_id, sum(amount)::bigint AS total FROM ledger_entries GROUP BY account_id) l ON l.account_id = a.id
            WHERE $1::uuid IS NULL OR a.tenant_id = $1
            """);
        command.Parameters.Add(LedgerSql.Nullable(tenantId, NpgsqlDbType.Uuid));
        var accounts = 0;
        var mismatches = new List<LedgerMismatch>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            accounts = (int)reader.GetInt64(5);
            if (reader.GetInt64(3) != reader.GetInt64(4))
            {
                mismatches.Add(new LedgerMismatch(reader.GetGuid(0), reader.GetGuid(1), LedgerSql.NullableGuid(reader, 2), reader.GetInt64(3), reader.GetInt64(4)));
            }
        }
        return (accounts, mismatches);
    }

    static async Task<IReadOnlyList<Guid>> ReadGuidsAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var ids = new List<Guid>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(reader.GetGuid(0));
        }
        return ids;
    }

    public async ValueTask DisposeAsync()
    {
        await _holds.DisposeAsync();
        await _settlements.DisposeAsync();
    }
}

public sealed record HoldCommand(
    Guid TenantId, Guid? LocationId, string OperationType, long Quantity, string IdempotencyKey, int TtlSeconds,
    Guid? UserId = null, string? SessionId = null, string? Description = null, JsonElement? Metadata = null);

public sealed record UsageCommand(
    Guid TenantId, Guid? LocationId, Guid? UserId, string? SessionId, string OperationType, long Tokens, string? Description, string Key);
