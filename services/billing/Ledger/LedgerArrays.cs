using Npgsql;
using NpgsqlTypes;

namespace AgentCloud.Billing.Ledger;

/// <summary>A batch goes to PostgreSQL as one array parameter per field.</summary>
static class LedgerArrays
{
    public static NpgsqlParameter Of<TItem, TValue>(IReadOnlyList<TItem> items, Func<TItem, TValue> value, NpgsqlDbType type) =>
        new() { Value = items.Select(value).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | type };

    public static Guid? NullableGuid(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetGuid(ordinal);
}
