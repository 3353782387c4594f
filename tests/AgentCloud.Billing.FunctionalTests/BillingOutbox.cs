using AgentCloud.Contracts.Billing;
using AgentCloud.EventBus.CloudEvents;
using Npgsql;

namespace AgentCloud.Billing.FunctionalTests;

/// <summary>The billing events a tenant's changes staged in the outbox, as the contract records, oldest first.</summary>
static class BillingOutbox
{
    public static async Task<List<object>> ReadAsync(BillingFactory factory, Guid tenant)
    {
        await using var connection = new NpgsqlConnection(factory.DatabaseConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT topic, cloud_event FROM event_bus_outbox ORDER BY created_at", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var events = new List<object>();
        while (await reader.ReadAsync())
        {
            var cloudEvent = CloudEventSerializer.Deserialize(reader.GetString(1));
            if (cloudEvent.TenantId != tenant.ToString())
            {
                continue;
            }
            var type = reader.GetString(0) switch
            {
                nameof(TokensDebited) => typeof(TokensDebited),
                nameof(BalanceLow) => typeof(BalanceLow),
                nameof(BalanceExhausted) => typeof(BalanceExhausted),
                var other => throw new InvalidOperationException($"Unexpected event type {other}"),
            };
            events.Add(CloudEventSerializer.Unwrap(cloudEvent, type));
        }
        return events;
    }
}
