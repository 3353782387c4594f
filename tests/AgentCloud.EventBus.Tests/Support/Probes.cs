using Npgsql;

namespace AgentCloud.EventBus.Tests.Support;

/// <summary>Reads the real state: rows in Postgres, stream and consumer-group state in Redis.</summary>
public static class Probes
{
    public static async Task<long> ScalarAsync(string connectionString, string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }

    public static async Task<long> StreamLengthAsync(string stream) =>
        await (await TestSettings.RedisAsync()).StreamLengthAsync(stream);

    /// <summary>XPENDING summary form: the group's count of delivered-but-unacked messages.</summary>
    public static async Task<long> PendingCountAsync(string stream, string group) =>
        (await (await TestSettings.RedisAsync()).StreamPendingAsync(stream, group)).PendingMessageCount;

    public static async Task EventuallyAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Not reached in {timeout}: {what}");
            }
            await Task.Delay(20);
        }
    }
}
