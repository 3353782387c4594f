using System.Net;
using AgentCloud.Hosting.Orchestration;
using Npgsql;
using Xunit;

namespace AgentCloud.AppHost.Tests;

[Collection(SystemCollection.Name)]
public sealed class SystemStartTests(SystemFixture system)
{
    public static readonly TheoryData<string> Projects = new(["agents", "tool-gateway", "credentials", "triggers", "billing", "web"]);

    [Fact]
    public void All_eight_resources_are_running()
    {
        var resources = system.App.Resources;

        Assert.Equal(["agents", "billing", "credentials", "postgres", "redis", "tool-gateway", "triggers", "web"], resources.Select(r => r.Name).Order());
        Assert.All(resources, r => Assert.Equal(ResourceState.Running, r.State));
        Assert.All(resources, r => Assert.NotNull(r.Pid));
    }

    [Theory]
    [MemberData(nameof(Projects))]
    public async Task Each_project_answers_healthy(string name)
    {
        using var http = system.App.CreateHttpClient(name);

        using var response = await http.GetAsync("/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task The_web_app_reaches_every_service_through_service_discovery()
    {
        using var http = system.App.CreateHttpClient("web");

        var page = await http.GetStringAsync("/");

        foreach (var service in new[] { "agents", "tool-gateway", "credentials", "triggers", "billing" })
        {
            Assert.Contains($"<tr data-service=\"{service}\"><td>{service}</td><td>Healthy</td></tr>", page);
        }
    }

    [Theory]
    [InlineData("agentsdb", "tenants")]
    [InlineData("toolsdb", "tool_invocations")]
    [InlineData("credentialsdb", "credentials")]
    [InlineData("triggersdb", "triggers")]
    [InlineData("billingdb", "token_accounts")]
    public async Task Each_service_migrated_its_own_database(string database, string table)
    {
        await using var connection = new NpgsqlConnection(system.App.GetConnectionString(database));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT to_regclass(@t)::text", connection);
        command.Parameters.AddWithValue("t", table);

        Assert.Equal(table, await command.ExecuteScalarAsync());
    }

    [Fact]
    public void The_secrets_file_is_private_to_its_owner()
    {
        var file = Path.Combine(system.App.Context.StateFolder, "secrets.json");

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
    }
}
