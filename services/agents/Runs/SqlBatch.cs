using System.Text.Json.Nodes;
using AgentCloud.Agents.Loop;
using Npgsql;
using NpgsqlTypes;

namespace AgentCloud.Agents.Runs;

/// <summary>A JSON value sent as jsonb.</summary>
public readonly record struct Jsonb(string? Text)
{
    public static Jsonb From(JsonNode? node) => new(node?.ToJsonString());
}

/// <summary>
/// Statements sent in one round trip. PostgreSQL runs a batch without an explicit transaction as one implicit
/// transaction: all of it commits or none of it does.
/// </summary>
public sealed class SqlBatch(NpgsqlDataSource dataSource) : IAsyncDisposable
{
    readonly NpgsqlBatch _batch = dataSource.CreateBatch();
    readonly List<Action> _committed = [];

    /// <summary>Runs <paramref name="action"/> once the batch has committed (e.g. wake the outbox relay).</summary>
    public SqlBatch OnCommitted(Action action)
    {
        _committed.Add(action);
        return this;
    }

    public SqlBatch Add(string sql, params object?[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var value in values)
        {
            command.Parameters.Add(value switch
            {
                null => new NpgsqlParameter { Value = DBNull.Value },
                Jsonb json => new NpgsqlParameter { Value = (object?)json.Text ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Jsonb },
                TimeSpan span => new NpgsqlParameter { Value = span, NpgsqlDbType = NpgsqlDbType.Interval },
                _ => new NpgsqlParameter { Value = value },
            });
        }
        _batch.BatchCommands.Add(command);
        return this;
    }

    public async Task ExecuteAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _batch.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (PostgresException e) when (e.SqlState == "AC001")
        {
            throw new LeaseLostException(e);
        }
        _committed.ForEach(action => action());
    }

    public async Task<NpgsqlDataReader> ReadAsync(CancellationToken cancellationToken) => await _batch.ExecuteReaderAsync(cancellationToken);

    public ValueTask DisposeAsync() => _batch.DisposeAsync();
}
