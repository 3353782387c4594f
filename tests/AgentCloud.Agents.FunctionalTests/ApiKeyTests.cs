using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AgentCloud.Agents.Identity;
using Npgsql;
using Xunit;

namespace AgentCloud.Agents.FunctionalTests;

public sealed class ApiKeyTests(AgentsFactory factory) : IClassFixture<AgentsFactory>
{
    [Fact]
    public async Task A_key_is_shown_once_listed_by_prefix_stored_hashed_and_works_until_revoked()
    {
        var tenant = await TestDirectory.SignUpAsync(factory);

        using var created = await tenant.Owner.PostAsJsonAsync("/api-keys", new { name = "crm sync", roles = new[] { "member" } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.Content.ReadFromJsonAsync<JsonElement>();
        var (id, prefix, key) = (body.GetProperty("id").GetGuid(), body.GetProperty("prefix").GetString()!, body.GetProperty("key").GetString()!);
        Assert.StartsWith(prefix + ".", key);

        var listed = await tenant.Owner.GetStringAsync("/api-keys");
        Assert.Contains(prefix, listed);
        Assert.DoesNotContain(key, listed);
        await using (var connection = new NpgsqlConnection(factory.DatabaseConnectionString))
        {
            await connection.OpenAsync();
            await using var stored = new NpgsqlCommand("SELECT count(*) FROM api_keys WHERE encode(key_hash, 'escape') LIKE '%' || @k || '%'", connection);
            stored.Parameters.AddWithValue("k", key.Split('.')[1]);
            Assert.Equal(0L, await stored.ExecuteScalarAsync());
        }

        using var signIn = await factory.CreateClient().PostAsJsonAsync("/auth/api-key-token", new { apiKey = key });
        Assert.Equal(HttpStatusCode.OK, signIn.StatusCode);
        var token = (await signIn.Content.ReadFromJsonAsync<TokenResponse>())!;
        Assert.Null(token.RefreshToken);
        var machine = factory.CreateClient(token.AccessToken);
        var caller = await machine.GetFromJsonAsync<JsonElement>("/auth/whoami");
        Assert.Equal(tenant.TenantId, caller.GetProperty("tenantId").GetGuid());
        Assert.Equal(["member"], caller.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        using var teams = await machine.GetAsync("/teams");
        Assert.Equal(HttpStatusCode.OK, teams.StatusCode);

        using var revoked = await tenant.Owner.DeleteAsync($"/api-keys/{id}");
        Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        using var afterRevoke = await factory.CreateClient().PostAsJsonAsync("/auth/api-key-token", new { apiKey = key });
        Assert.Equal(HttpStatusCode.Unauthorized, afterRevoke.StatusCode);
        var view = await tenant.Owner.GetFromJsonAsync<JsonElement>($"/api-keys/{id}");
        Assert.Equal(JsonValueKind.String, view.GetProperty("revokedAt").ValueKind);
    }

    [Fact]
    public async Task A_right_prefix_with_a_wrong_secret_is_refused()
    {
        var tenant = await TestDirectory.SignUpAsync(factory);
        var created = await (await tenant.Owner.PostAsJsonAsync("/api-keys", new { name = "k" })).Content.ReadFromJsonAsync<JsonElement>();

        using var response = await factory.CreateClient().PostAsJsonAsync("/auth/api-key-token",
            new { apiKey = created.GetProperty("prefix").GetString() + ".wrong-secret" });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData("""{}""")]
    [InlineData("""{"apiKey":"no-dot-here"}""")]
    [InlineData("""{"apiKey":"ack_.x"}""")]
    public async Task Malformed_keys_get_a_400_problem(string body)
    {
        using var response = await factory.CreateClient().PostAsync("/auth/api-key-token", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Bad_key_requests_get_a_400_problem()
    {
        var tenant = await TestDirectory.SignUpAsync(factory);

        using var noName = await tenant.Owner.PostAsJsonAsync("/api-keys", new { name = "" });
        using var badRole = await tenant.Owner.PostAsJsonAsync("/api-keys", new { name = "k", roles = new[] { "superuser" } });

        Assert.Equal(HttpStatusCode.BadRequest, noName.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badRole.StatusCode);
    }
}
