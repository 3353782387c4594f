using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using Xunit;

namespace AgentCloud.Testing;

/// <summary>What every service must do from day one: report healthy dependencies, migrate its database, serve OpenAPI.</summary>
public abstract class ServiceBasicsTests<TProgram>(ServiceFactory<TProgram> factory, string database, string firstTable)
    where TProgram : class
{
    [Fact]
    public async Task Health_reports_its_database_and_redis_reachable()
    {
        using var response = await factory.CreateClient().GetAsync("/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var checks = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("checks");
        Assert.Equal("Healthy", checks.GetProperty(database).GetProperty("status").GetString());
        Assert.Equal("Healthy", checks.GetProperty("redis").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Alive_answers_without_touching_dependencies()
    {
        using var response = await factory.CreateClient().GetAsync("/alive");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var checks = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("checks");
        Assert.False(checks.TryGetProperty(database, out _));
    }

    [Fact]
    public async Task Start_up_applies_the_first_migration()
    {
        factory.CreateClient(); // starts the host, which migrates before it listens

        await using var connection = new NpgsqlConnection(factory.DatabaseConnectionString);
        await connection.OpenAsync();
        await using var history = new NpgsqlCommand("SELECT version FROM schema_history ORDER BY version", connection);
        var versions = new List<string>();
        await using (var reader = await history.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                versions.Add(reader.GetString(0));
            }
        }
        Assert.Equal($"0001_{firstTable}", versions.FirstOrDefault());

        await using var table = new NpgsqlCommand("SELECT to_regclass(@t)::text", connection);
        table.Parameters.AddWithValue("t", firstTable);
        Assert.Equal(firstTable, await table.ExecuteScalarAsync());
    }

    [Fact]
    public async Task OpenApi_document_is_served()
    {
        var document = await factory.CreateClient().GetFromJsonAsync<JsonElement>("/openapi/v1.json");

        Assert.StartsWith("3.", document.GetProperty("openapi").GetString());
        Assert.Contains(typeof(TProgram).Assembly.GetName().Name!, document.GetProperty("info").GetProperty("title").GetString());
    }
}
