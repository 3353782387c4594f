using System.Net;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Npgsql;
using Xunit;

namespace AgentCloud.AppHost.Tests;

[Collection(SystemCollection.Name)]
public sealed class SystemStartTests(SystemFixture system)
{
    public static readonly TheoryData<string> Projects = new(["agents", "tool-gateway", "credentials", "triggers", "billing", "web"]);

    static readonly string[] Databases = ["agentsdb", "toolsdb", "credentialsdb", "triggersdb", "billingdb"];

    [Fact]
    public void Every_resource_is_running_and_the_cluster_was_initialised_once()
    {
        string[] processes = ["agents", "billing", "credentials", "postgres", "redis", "tool-gateway", "triggers", "web"];
        foreach (var name in processes.Concat(Databases))
        {
            Assert.True(system.App.ResourceNotifications.TryGetCurrentState(name, out var resource), name);
            Assert.Equal(KnownResourceStates.Running, resource.Snapshot.State?.Text);
            Assert.Equal(Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy, resource.Snapshot.HealthStatus);
        }
        foreach (var name in processes)
        {
            system.App.ResourceNotifications.TryGetCurrentState(name, out var resource);
            Assert.Contains(resource!.Snapshot.Properties, p => p.Name.EndsWith(".pid", StringComparison.Ordinal) && p.Value is not null);
        }
        Assert.True(system.App.ResourceNotifications.TryGetCurrentState("postgres-init", out var init));
        Assert.Equal(KnownResourceStates.Finished, init.Snapshot.State?.Text);
        Assert.Equal(0, init.Snapshot.ExitCode);
    }

    [Theory]
    [MemberData(nameof(Projects))]
    public async Task Each_project_answers_healthy(string name)
    {
        using var http = system.App.CreateHttpClient(name);

        using var response = await http.GetAsync("/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("agentsdb", "tenants")]
    [InlineData("toolsdb", "tool_invocations")]
    [InlineData("credentialsdb", "credentials")]
    [InlineData("triggersdb", "triggers")]
    [InlineData("billingdb", "token_accounts")]
    public async Task Each_service_migrated_its_own_database(string database, string table)
    {
        await using var connection = new NpgsqlConnection(await system.App.GetConnectionStringAsync(database));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT to_regclass(@t)::text", connection);
        command.Parameters.AddWithValue("t", table);

        Assert.Equal(table, await command.ExecuteScalarAsync());
    }

    [Fact]
    public void The_secrets_file_is_private_to_its_owner()
    {
        var file = Path.Combine(system.StateFolder, "secrets.json");

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
    }

    [Fact]
    public async Task The_postgres_password_is_private_and_kept_beside_its_data()
    {
        var file = Path.Combine(system.StateFolder, "postgres", "password");
        var connection = new NpgsqlConnectionStringBuilder(await system.App.GetConnectionStringAsync("agentsdb"));

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        Assert.Equal((await File.ReadAllTextAsync(file)).Trim(), connection.Password);
        Assert.True(File.Exists(Path.Combine(system.StateFolder, "postgres", "data", "PG_VERSION")));
    }
}
