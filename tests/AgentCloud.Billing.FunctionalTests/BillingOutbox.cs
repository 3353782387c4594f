using AgentCloud.Contracts.Billing;
using AgentCloud.EventBus.CloudEvents;
using AgentCloud.EventBus.Outbox;
using Npgsql;

namespace AgentCloud.Billing.FunctionalTests;

/// <summary>The billing events a tenant's changes staged in the outbox, as the contract records, oldest first.</summary>
static class BillingOutbox
{
    public static async Task<List<object>> ReadAsync(BillingFactory factory, Guid tenant) =>
        [.. (await ReadRowsAsync(factory, tenant)).Select(row => CloudEventSerializer.Unwrap(row.ToCloudEvent("billing"), ContractOf(row.Topic)))];

    /// <summary>The tenant's rows as the relay reads them.</summary>
    public static async Task<List<OutboxMessage>> ReadRowsAsync(BillingFactory factory, Guid tenant)
    {
        await using var connection = new NpgsqlConnection(factory.DatabaseConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            SELECT topic, event_id, time, subject, data::text, traceparent, tracestate, published_at FROM event_bus_outbox
            WHERE tenant_id = $1 ORDER BY created_at
            """, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = tenant.ToString() });
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<OutboxMessage>();
        while (await reader.ReadAsync())
        {
            rows.Add(new OutboxMessage
            {
                Topic = reader.GetString(0),
                EventId = reader.GetString(1),
                Time = reader.GetFieldValue<DateTimeOffset>(2),
                Subject = reader.IsDBNull(3) ? null : reader.GetString(3),
                TenantId = tenant.ToString(),
                Data = reader.GetString(4),
                TraceParent = reader.IsDBNull(5) ? null : reader.GetString(5),
                TraceState = reader.IsDBNull(6) ? null : reader.GetString(6),
                PublishedAt = reader.IsDBNull(7) ? null : reader.GetFieldValue<DateTimeOffset>(7),
            });
        }
        return rows;
    }

    public static Type ContractOf(string topic) => topic switch
    {
        nameof(TokensDebited) => typeof(TokensDebited),
        nameof(BalanceLow) => typeof(BalanceLow),
        nameof(BalanceExhausted) => typeof(BalanceExhausted),
        var other => throw new InvalidOperationException($"Unexpected event type {other}"),
    };
}
