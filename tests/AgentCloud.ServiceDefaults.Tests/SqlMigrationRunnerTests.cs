using AgentCloud.ServiceDefaults.Data;
using AgentCloud.Testing;
using Npgsql;
using Xunit;

namespace AgentCloud.ServiceDefaults.Tests;

public sealed class SqlMigrationRunnerTests
{
    [Fact]
    public async Task Scripts_apply_in_order_once_even_when_replicas_start_together()
    {
        await using var dataSource = NpgsqlDataSource.Create(await NewDatabaseAsync());
        var replicas = Enumerable.Range(0, 4).Select(_ => new SqlMigrationRunner(dataSource, typeof(SqlMigrationRunnerTests).Assembly)).ToList();

        var applied = await Task.WhenAll(replicas.Select(r => r.ApplyAsync()));

        Assert.Equal(["0001_widgets", "0002_widget_colour"], applied.SelectMany(a => a).Order());
        Assert.All(replicas, r => Assert.True(r.Completed));
        await using var command = dataSource.CreateCommand("SELECT count(*) FROM schema_history");
        Assert.Equal(2L, await command.ExecuteScalarAsync());
        await using var insert = dataSource.CreateCommand("INSERT INTO widgets (id, name, colour) VALUES (1, 'a', 'red')");
        await insert.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task A_script_edited_after_it_was_applied_stops_start_up()
    {
        await using var dataSource = NpgsqlDataSource.Create(await NewDatabaseAsync());
        await new SqlMigrationRunner(dataSource, typeof(SqlMigrationRunnerTests).Assembly).ApplyAsync();
        await using (var tamper = dataSource.CreateCommand("UPDATE schema_history SET checksum = 'edited' WHERE version = '0001_widgets'"))
        {
            await tamper.ExecuteNonQueryAsync();
        }

        var runner = new SqlMigrationRunner(dataSource, typeof(SqlMigrationRunnerTests).Assembly);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => runner.ApplyAsync());

        Assert.Contains("0001_widgets", error.Message);
        Assert.False(runner.Completed);
    }

    [Fact]
    public async Task A_failing_script_leaves_no_half_applied_change()
    {
        await using var dataSource = NpgsqlDataSource.Create(await NewDatabaseAsync());
        await using (var conflict = dataSource.CreateCommand("CREATE TABLE schema_history (version text PRIMARY KEY, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now()); CREATE TABLE widgets (x int)"))
        {
            await conflict.ExecuteNonQueryAsync();
        }

        await Assert.ThrowsAsync<PostgresException>(() => new SqlMigrationRunner(dataSource, typeof(SqlMigrationRunnerTests).Assembly).ApplyAsync());

        await using var history = dataSource.CreateCommand("SELECT count(*) FROM schema_history");
        Assert.Equal(0L, await history.ExecuteScalarAsync());
    }

    static async Task<string> NewDatabaseAsync() => await (await TestInfrastructure.SharedAsync()).CreateDatabaseAsync("migrations");
}
