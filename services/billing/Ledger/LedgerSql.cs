using System.Diagnostics;
using Npgsql;
using NpgsqlTypes;

namespace AgentCloud.Billing.Ledger;

/// <summary>Parameters and readers shared by the ledger's calls; a batch goes as one array parameter per field.</summary>
static class LedgerSql
{
    public static NpgsqlParameter Array<TItem, TValue>(IReadOnlyList<TItem> items, Func<TItem, TValue> value, NpgsqlDbType type) =>
        new() { Value = items.Select(value).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | type };

    public static NpgsqlParameter Nullable(object? value, NpgsqlDbType type) => new() { Value = value ?? DBNull.Value, NpgsqlDbType = type };

    public static Guid? NullableGuid(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetGuid(ordinal);

    /// <summary>The caller's W3C trace context, carried into the events a change stages.</summary>
    public static string? TraceParent() => Activity.Current is { IdFormat: ActivityIdFormat.W3C } activity ? activity.Id : null;
}
