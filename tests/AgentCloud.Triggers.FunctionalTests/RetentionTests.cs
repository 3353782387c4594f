using AgentCloud.Triggers.Firing;
using Npgsql;
using Xunit;

namespace AgentCloud.Triggers.FunctionalTests;

public sealed class RetentionTests(TriggersFactory factory) : IClassFixture<TriggersFactory>
{
    [Fact]
    public async Task Event_log_entries_and_seen_items_past_their_retention_are_deleted_and_newer_ones_kept()
    {
        factory.CreateClient(); // the host, with its migrations
        var (triggerId, listener, now) = (Guid.NewGuid(), $"retention-{Guid.NewGuid():N}", DateTimeOffset.UtcNow);
        await ExecuteAsync("""
            INSERT INTO trigger_events (trigger_id, id, tenant_id, dedupe_key, outcome, fired_at)
            VALUES ($1, gen_random_uuid(), gen_random_uuid(), 'old', 'fired', $2), ($1, gen_random_uuid(), gen_random_uuid(), 'new', 'fired', $3)
            """, triggerId, now.AddDays(-8), now.AddDays(-6));
        await ExecuteAsync("INSERT INTO listeners (key, tenant_id, system, next_poll_at) VALUES ($1, gen_random_uuid(), 'http_poll', $2)",
            listener, now.AddDays(1));
        await ExecuteAsync("INSERT INTO listener_seen_items (listener_key, item_key, last_seen_at) VALUES ($1, 'old', $2), ($1, 'new', $3)",
            listener, now.AddDays(-31), now.AddDays(-29));

        await factory.Service<Retention>().SweepAsync(CancellationToken.None);

        Assert.Equal(["new"], await KeysAsync("SELECT dedupe_key FROM trigger_events WHERE trigger_id = $1", triggerId));
        Assert.Equal(["new"], await KeysAsync("SELECT item_key FROM listener_seen_items WHERE listener_key = $1", listener));
    }

    async Task ExecuteAsync(string sql, params object[] values)
    {
        await using var connection = new NpgsqlConnection(factory.DatabaseConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var value in values)
        {
            command.Parameters.Add(new() { Value = value });
        }
        await command.ExecuteNonQueryAsync();
    }

    async Task<List<string>> KeysAsync(string sql, object key)
    {
        await using var connection = new NpgsqlConnection(factory.DatabaseConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection) { Parameters = { new() { Value = key } } };
        var keys = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            keys.Add(reader.GetString(0));
        }
        return keys;
    }
}
