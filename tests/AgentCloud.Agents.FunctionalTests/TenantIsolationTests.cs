using System.Net;
using System.Net.Http.Json;
using AgentCloud.Testing;
using Xunit;

namespace AgentCloud.Agents.FunctionalTests;

/// <summary>Tenant B (an admin of its own tenant) can neither see, change nor delete anything of tenant A.</summary>
public sealed class TenantIsolationTests(AgentsFactory factory) : IClassFixture<AgentsFactory>
{
    async Task<(TestTenant A, TestTenant B)> TwoTenantsAsync() =>
        (await TestDirectory.SignUpAsync(factory), await TestDirectory.SignUpAsync(factory));

    [Fact]
    public async Task Tenants()
    {
        var (a, b) = await TwoTenantsAsync();

        await TenantIsolation.AssertTenantIsolatedAsync(a.Owner, b.Owner, $"/tenants/{a.TenantId}",
            update: new { name = "taken over", licensePlan = "free" });
    }

    [Fact]
    public async Task Teams()
    {
        var (a, b) = await TwoTenantsAsync();

        await TenantIsolation.AssertTenantIsolatedAsync(a.Owner, b.Owner, $"/teams/{a.TeamId}", update: new { name = "taken over" }, listUrl: "/teams");
    }

    [Fact]
    public async Task Team_members()
    {
        var (a, b) = await TwoTenantsAsync();
        var bUser = await TestDirectory.AddUserAsync(factory, b);

        using var joinAsB = await b.Owner.PutAsync($"/teams/{a.TeamId}/members/{bUser.Id}", null);
        using var pullAUser = await b.Owner.PutAsync($"/teams/{b.TeamId}/members/{a.OwnerId}", null);
        using var removeAOwner = await b.Owner.DeleteAsync($"/teams/{a.TeamId}/members/{a.OwnerId}");

        Assert.Equal(HttpStatusCode.NotFound, joinAsB.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, pullAUser.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, removeAOwner.StatusCode);
        await TenantIsolation.AssertTenantIsolatedAsync(a.Owner, b.Owner, $"/teams/{a.TeamId}");
    }

    [Fact]
    public async Task Users()
    {
        var (a, b) = await TwoTenantsAsync();
        var aUser = await TestDirectory.AddUserAsync(factory, a);

        await TenantIsolation.AssertTenantIsolatedAsync(a.Owner, b.Owner, $"/users/{aUser.Id}",
            update: new { displayName = "taken over", roles = new[] { "owner" } }, listUrl: "/users");
    }

    [Fact]
    public async Task User_permissions()
    {
        var (a, b) = await TwoTenantsAsync();

        await TenantIsolation.AssertTenantIsolatedAsync(a.Owner, b.Owner, $"/users/{a.OwnerId}/permissions", canDelete: false);
    }

    [Fact]
    public async Task Locations()
    {
        var (a, b) = await TwoTenantsAsync();
        var location = await TestDirectory.CreateAsync(a.Owner, "/locations", new { name = "Harbour" });

        await TenantIsolation.AssertTenantIsolatedAsync(a.Owner, b.Owner, $"/locations/{location}", update: new { name = "taken over" }, listUrl: "/locations");
        using var scoped = await b.Owner.GetAsync($"/users/{b.OwnerId}/permissions?locationId={location}");
        Assert.Equal(HttpStatusCode.NotFound, scoped.StatusCode);
    }

    [Fact]
    public async Task Permission_grants()
    {
        var (a, b) = await TwoTenantsAsync();
        var grant = await TestDirectory.CreateAsync(a.Owner, "/permissions/grants", new { scope = "tenant", permission = "reports:export" });
        var location = await TestDirectory.CreateAsync(a.Owner, "/locations", new { name = "Harbour" });

        await TenantIsolation.AssertTenantIsolatedAsync(a.Owner, b.Owner, $"/permissions/grants/{grant}", listUrl: "/permissions/grants");
        using var denyAUser = await b.Owner.PostAsJsonAsync("/permissions/grants", new { scope = "user", subjectId = a.OwnerId, permission = "email:send", effect = "deny" });
        using var grantALocation = await b.Owner.PostAsJsonAsync("/permissions/grants", new { scope = "location", subjectId = location, permission = "email:send" });
        Assert.Equal(HttpStatusCode.BadRequest, denyAUser.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, grantALocation.StatusCode);
    }

    [Fact]
    public async Task Api_keys()
    {
        var (a, b) = await TwoTenantsAsync();
        var key = await TestDirectory.CreateAsync(a.Owner, "/api-keys", new { name = "crm" });

        await TenantIsolation.AssertTenantIsolatedAsync(a.Owner, b.Owner, $"/api-keys/{key}", listUrl: "/api-keys");
    }

    [Fact]
    public async Task A_creating_user_cannot_place_a_new_user_in_another_tenants_team()
    {
        var (a, b) = await TwoTenantsAsync();

        using var response = await b.Owner.PostAsJsonAsync("/users", new
        {
            email = $"x-{Guid.NewGuid():N}@example.com", displayName = "X", teamIds = new[] { a.TeamId },
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }
}
