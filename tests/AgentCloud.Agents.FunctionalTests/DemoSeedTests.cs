using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using AgentCloud.Agents.Identity;
using AgentCloud.Testing;
using Microsoft.AspNetCore.Hosting;
using Xunit;

namespace AgentCloud.Agents.FunctionalTests;

public sealed class DemoSeedingAgentsFactory : AgentsFactory
{
    public DemoSeedingAgentsFactory() => WithSetting("Directory:SeedDemoData", "true");
}

/// <summary>Everything as in Development, seeding asked for, but the environment is Production.</summary>
public sealed class ProductionAgentsFactory : AgentsFactory
{
    public ProductionAgentsFactory() => WithSetting("Directory:SeedDemoData", "true");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseEnvironment("Production");
    }
}

public sealed class DemoSeedInDevelopmentTests(DemoSeedingAgentsFactory factory) : IClassFixture<DemoSeedingAgentsFactory>
{
    [Fact]
    public async Task The_demo_admin_and_member_sign_in_with_the_documented_passwords()
    {
        var admin = await TestDirectory.SignInAsync(factory, DemoSeeder.AdminEmail, DemoSeeder.AdminPassword);
        var member = await TestDirectory.SignInAsync(factory, DemoSeeder.MemberEmail, DemoSeeder.MemberPassword);

        var asAdmin = await factory.CreateClient(admin.AccessToken).GetFromJsonAsync<JsonElement>("/auth/whoami");
        var asMember = await factory.CreateClient(member.AccessToken).GetFromJsonAsync<JsonElement>("/auth/whoami");
        Assert.Equal(DemoSeeder.TenantId, asAdmin.GetProperty("tenantId").GetGuid());
        Assert.True(asAdmin.GetProperty("isTenantAdmin").GetBoolean());
        Assert.Equal(DemoSeeder.TenantId, asMember.GetProperty("tenantId").GetGuid());
        Assert.False(asMember.GetProperty("isTenantAdmin").GetBoolean());
        using var users = await factory.CreateClient(admin.AccessToken).GetAsync("/users");
        Assert.Equal(2, (await users.Content.ReadFromJsonAsync<JsonElement>()).GetArrayLength());
    }

    [Fact]
    public void The_documented_credentials_are_the_seeded_ones()
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryRoot(), "README.md"));
        var serviceReadme = File.ReadAllText(Path.Combine(RepositoryRoot(), "services", "agents", "README.md"));
        var appHost = File.ReadAllText(Path.Combine(RepositoryRoot(), "AgentCloud.AppHost", "Extensions.cs")); // the start-up note

        Assert.Matches($@"`{Regex.Escape(DemoSeeder.AdminEmail)}`\s*\|\s*`{Regex.Escape(DemoSeeder.AdminPassword)}`", readme);
        Assert.Matches($@"`{Regex.Escape(DemoSeeder.MemberEmail)}`\s*\|\s*`{Regex.Escape(DemoSeeder.MemberPassword)}`", readme);
        Assert.Contains($"{DemoSeeder.AdminEmail}` / `{DemoSeeder.AdminPassword}", serviceReadme);
        Assert.Matches($@"{Regex.Escape(DemoSeeder.AdminEmail)}\s*/ {Regex.Escape(DemoSeeder.AdminPassword)}", appHost);
        Assert.Matches($@"{Regex.Escape(DemoSeeder.MemberEmail)}\s*/ {Regex.Escape(DemoSeeder.MemberPassword)}", appHost);
    }

    static string RepositoryRoot()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "AgentCloud.sln")))
        {
            folder = folder.Parent;
        }
        return folder?.FullName ?? throw new InvalidOperationException("AgentCloud.sln not found above the test folder.");
    }
}

public sealed class NoDemoSeedOutsideDevelopmentTests(ProductionAgentsFactory factory) : IClassFixture<ProductionAgentsFactory>
{
    [Fact]
    public async Task Outside_development_the_demo_sign_in_does_not_exist()
    {
        using var response = await factory.CreateClient().PostAsJsonAsync("/auth/token",
            new { email = DemoSeeder.AdminEmail, password = DemoSeeder.AdminPassword });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
