using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AgentCloud.Agents.Identity;
using AgentCloud.Testing;
using Xunit;

namespace AgentCloud.Agents.FunctionalTests;

public sealed record TestTenant(Guid TenantId, Guid TeamId, Guid OwnerId, string OwnerEmail, HttpClient Owner);

public sealed record TestUser(Guid Id, string Email, HttpClient Client);

/// <summary>Real tenants and users through the public API: sign-up, user creation, sign-in.</summary>
public static class TestDirectory
{
    public const string Password = "correct horse battery staple";

    public static async Task<TestTenant> SignUpAsync(ServiceFactory<Program> factory)
    {
        var email = $"owner-{Guid.NewGuid():N}@example.com";
        using var response = await factory.CreateClient().PostAsJsonAsync("/tenants", new
        {
            name = "Tenant " + Guid.NewGuid().ToString("N")[..6], licensePlan = "pro", contactPerson = "Ada",
            ownerEmail = email, ownerDisplayName = "Owner", ownerPassword = Password,
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = await response.Content.ReadFromJsonAsync<JsonElement>();
        var token = await SignInAsync(factory, email, Password);
        return new TestTenant(created.GetProperty("tenantId").GetGuid(), created.GetProperty("teamId").GetGuid(),
            created.GetProperty("ownerId").GetGuid(), email, factory.CreateClient(token.AccessToken));
    }

    public static async Task<TestUser> AddUserAsync(ServiceFactory<Program> factory, TestTenant tenant, params string[] roles)
    {
        var email = $"user-{Guid.NewGuid():N}@example.com";
        using var response = await tenant.Owner.PostAsJsonAsync("/users", new
        {
            email, displayName = "User", password = Password, roles = roles.Length == 0 ? ["member"] : roles, teamIds = new[] { tenant.TeamId },
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        return new TestUser(id, email, factory.CreateClient((await SignInAsync(factory, email, Password)).AccessToken));
    }

    public static async Task<TokenResponse> SignInAsync(ServiceFactory<Program> factory, string email, string password)
    {
        using var response = await factory.CreateClient().PostAsJsonAsync("/auth/token", new { email, password });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<TokenResponse>())!;
    }

    public static async Task<Guid> CreateAsync(HttpClient client, string url, object body)
    {
        using var response = await client.PostAsJsonAsync(url, body);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"POST {url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }
}
