using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using Xunit;

namespace AgentCloud.Testing;

/// <summary>
/// What every service must do from day one: report healthy dependencies, migrate its database, serve OpenAPI (all
/// anonymous), and authenticate every other call with the platform's tokens.
/// </summary>
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
        Assert.Equal("Healthy", checks.GetProperty("StackExchange.Redis").GetProperty("status").GetString()); // Aspire's Redis client check
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
    public async Task A_request_without_a_token_is_refused()
    {
        using var response = await factory.CreateClient().GetAsync("/auth/whoami");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task A_user_token_is_accepted_and_names_the_caller()
    {
        var (tenant, user, team) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());

        var caller = await factory.CreateClient(TestTokens.User(tenant, user, ["admin"], [team])).GetFromJsonAsync<JsonElement>("/auth/whoami");

        Assert.Equal(user, caller.GetProperty("userId").GetGuid());
        Assert.Equal(tenant, caller.GetProperty("tenantId").GetGuid());
        Assert.Equal(["admin"], caller.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal([team], caller.GetProperty("teamIds").EnumerateArray().Select(t => t.GetGuid()));
        Assert.True(caller.GetProperty("isUser").GetBoolean());
        Assert.False(caller.GetProperty("isService").GetBoolean());
    }

    [Fact]
    public async Task A_service_token_is_accepted_and_carries_no_user()
    {
        var caller = await factory.CreateClient(TestTokens.Service("tool-gateway")).GetFromJsonAsync<JsonElement>("/auth/whoami");

        Assert.Equal("tool-gateway", caller.GetProperty("serviceName").GetString());
        Assert.Equal(JsonValueKind.Null, caller.GetProperty("userId").ValueKind);
        Assert.False(caller.GetProperty("isUser").GetBoolean());
    }

    [Theory]
    [InlineData("expired")]
    [InlineData("badly-signed")]
    [InlineData("wrong-audience")]
    [InlineData("wrong-issuer")]
    [InlineData("unsigned")]
    [InlineData("garbage")]
    public async Task A_bad_token_is_refused(string kind)
    {
        var tenant = Guid.NewGuid();
        var token = kind switch
        {
            "expired" => TestTokens.Expired(tenant),
            "badly-signed" => TestTokens.BadlySigned(tenant),
            "wrong-audience" => TestTokens.WrongAudience(tenant),
            "wrong-issuer" => TestTokens.WrongIssuer(tenant),
            "unsigned" => TestTokens.Unsigned(tenant),
            _ => "not.a.jwt",
        };

        using var response = await factory.CreateClient(token).GetAsync("/auth/whoami");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task OpenApi_document_is_served()
    {
        var document = await factory.CreateClient().GetFromJsonAsync<JsonElement>("/openapi/v1.json");

        Assert.StartsWith("3.", document.GetProperty("openapi").GetString());
        Assert.Contains(typeof(TProgram).Assembly.GetName().Name!, document.GetProperty("info").GetProperty("title").GetString());
    }
}
