using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AgentCloud.Testing;
using Xunit;

namespace AgentCloud.Agents.FunctionalTests;

public sealed class PermissionTests(AgentsFactory factory) : IClassFixture<AgentsFactory>
{
    static Task Grant(HttpClient admin, string scope, Guid? subjectId, string permission, string effect = "grant") =>
        TestDirectory.CreateAsync(admin, "/permissions/grants", new { scope, subjectId, permission, effect });

    static async Task<JsonElement> Effective(HttpClient client, Guid userId, Guid? locationId = null) =>
        await client.GetFromJsonAsync<JsonElement>($"/users/{userId}/permissions" + (locationId is null ? "" : $"?locationId={locationId}"));

    static Dictionary<string, string[]> Allowed(JsonElement effective) =>
        effective.GetProperty("permissions").EnumerateArray().ToDictionary(
            p => p.GetProperty("permission").GetString()!,
            p => p.GetProperty("sources").EnumerateArray().Select(s => s.GetString()!).ToArray());

    static Dictionary<string, string> Removed(JsonElement effective) =>
        effective.GetProperty("removed").EnumerateArray().ToDictionary(p => p.GetProperty("permission").GetString()!, p => p.GetProperty("reason").GetString()!);

    [Fact]
    public async Task Business_and_user_grants_add_up_with_their_sources()
    {
        var tenant = await TestDirectory.SignUpAsync(factory);
        var member = await TestDirectory.AddUserAsync(factory, tenant);
        await Grant(tenant.Owner, "tenant", null, "reports:export");
        await Grant(tenant.Owner, "tenant", null, "email:send");
        await Grant(tenant.Owner, "user", member.Id, "crm:sync");

        var allowed = Allowed(await Effective(member.Client, member.Id));

        Assert.Equal(["tenant"], allowed["reports:export"]);
        Assert.Equal(["tenant", "role:member"], allowed["email:send"]);
        Assert.Equal(["user"], allowed["crm:sync"]);
        Assert.False(allowed.ContainsKey("agents:manage"));
    }

    [Fact]
    public async Task A_user_deny_overrides_a_business_grant_and_a_role_bundle()
    {
        var tenant = await TestDirectory.SignUpAsync(factory);
        var member = await TestDirectory.AddUserAsync(factory, tenant);
        var other = await TestDirectory.AddUserAsync(factory, tenant);
        await Grant(tenant.Owner, "tenant", null, "reports:export");
        await Grant(tenant.Owner, "user", member.Id, "reports:export", "deny");
        await Grant(tenant.Owner, "user", member.Id, "sms:send", "deny");

        var effective = await Effective(tenant.Owner, member.Id);

        Assert.False(Allowed(effective).ContainsKey("reports:export"));
        Assert.False(Allowed(effective).ContainsKey("sms:send"));
        Assert.Equal("denied for the user", Removed(effective)["reports:export"]);
        Assert.Equal("denied for the user", Removed(effective)["sms:send"]);
        Assert.True(Allowed(await Effective(tenant.Owner, other.Id)).ContainsKey("reports:export"));
    }

    [Fact]
    public async Task A_location_narrows_the_set_to_its_own_grants()
    {
        var tenant = await TestDirectory.SignUpAsync(factory);
        var member = await TestDirectory.AddUserAsync(factory, tenant);
        var location = await TestDirectory.CreateAsync(tenant.Owner, "/locations", new { name = "Harbour branch" });
        var empty = await TestDirectory.CreateAsync(tenant.Owner, "/locations", new { name = "Closed branch" });
        await Grant(tenant.Owner, "tenant", null, "reports:export");
        await Grant(tenant.Owner, "location", location, "email:send");
        await Grant(tenant.Owner, "location", location, "reports:export");
        await Grant(tenant.Owner, "location", location, "billing:manage"); // the member never had it: a location only narrows

        var there = await Effective(member.Client, member.Id, location);

        Assert.Equal(["email:send", "reports:export"], Allowed(there).Keys.Order());
        Assert.Equal("not granted at the location", Removed(there)["sms:send"]);
        Assert.Equal(location, there.GetProperty("locationId").GetGuid());
        Assert.Empty(Allowed(await Effective(member.Client, member.Id, empty)));
        Assert.True(Allowed(await Effective(member.Client, member.Id)).ContainsKey("sms:send"));
    }

    [Fact]
    public async Task Role_bundles_give_members_less_than_admins_and_owners()
    {
        var tenant = await TestDirectory.SignUpAsync(factory);
        var member = await TestDirectory.AddUserAsync(factory, tenant, "member");
        var admin = await TestDirectory.AddUserAsync(factory, tenant, "admin");

        var asMember = Allowed(await Effective(tenant.Owner, member.Id));
        var asAdmin = Allowed(await Effective(tenant.Owner, admin.Id));
        var asOwner = Allowed(await Effective(tenant.Owner, tenant.OwnerId));
        var roles = await member.Client.GetFromJsonAsync<JsonElement>("/roles");

        Assert.Equal(["role:member"], asMember["email:send"]);
        Assert.False(asMember.ContainsKey("agents:manage"));
        Assert.Equal(["role:admin"], asAdmin["agents:manage"]);
        Assert.False(asAdmin.ContainsKey("billing:manage"));
        Assert.Equal(["role:owner"], asOwner["billing:manage"]);
        Assert.Equal(["admin", "member", "owner"], roles.EnumerateArray().Select(r => r.GetProperty("name").GetString()).Order());
    }

    [Fact]
    public async Task A_member_reads_their_own_permissions_but_not_another_users()
    {
        var tenant = await TestDirectory.SignUpAsync(factory);
        var member = await TestDirectory.AddUserAsync(factory, tenant);

        using var own = await member.Client.GetAsync($"/users/{member.Id}/permissions");
        using var owners = await member.Client.GetAsync($"/users/{tenant.OwnerId}/permissions");

        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, owners.StatusCode);
    }

    [Fact]
    public async Task Gateway_billing_and_credentials_read_a_users_permissions_with_their_service_identity_and_others_cannot()
    {
        var tenant = await TestDirectory.SignUpAsync(factory);
        var other = await TestDirectory.SignUpAsync(factory);
        var member = await TestDirectory.AddUserAsync(factory, tenant);
        await Grant(tenant.Owner, "user", member.Id, "sms:send", "deny");
        var url = $"/tenants/{tenant.TenantId}/users/{member.Id}/permissions";

        var asGateway = await factory.CreateClient(TestTokens.Service("tool-gateway")).GetFromJsonAsync<JsonElement>(url);
        var asBilling = await factory.CreateClient(TestTokens.Service("billing")).GetFromJsonAsync<JsonElement>(url);
        var asCredentials = await factory.CreateClient(TestTokens.Service("credentials")).GetFromJsonAsync<JsonElement>(url);
        using var asTriggers = await factory.CreateClient(TestTokens.Service("triggers")).GetAsync(url);
        using var asOtherTenant = await other.Owner.GetAsync(url);
        using var wrongTenantInUrl = await factory.CreateClient(TestTokens.Service("tool-gateway"))
            .GetAsync($"/tenants/{other.TenantId}/users/{member.Id}/permissions");

        Assert.Equal("denied for the user", Removed(asGateway)["sms:send"]);
        Assert.Equal("denied for the user", Removed(asBilling)["sms:send"]);
        Assert.Equal("denied for the user", Removed(asCredentials)["sms:send"]);
        Assert.Equal(HttpStatusCode.Forbidden, asTriggers.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, asOtherTenant.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, wrongTenantInUrl.StatusCode);
    }

    [Theory]
    [InlineData("""{"scope":"tenant","permission":"Email Send"}""")]
    [InlineData("""{"scope":"tenant","permission":"email:send","effect":"deny"}""")]
    [InlineData("""{"scope":"galaxy","permission":"email:send"}""")]
    [InlineData("""{"scope":"user","permission":"email:send"}""")]
    [InlineData("""{"scope":"location","subjectId":"6f1c1a52-0000-4000-8000-000000000000","permission":"email:send"}""")]
    [InlineData("""{"scope":"tenant","subjectId":"6f1c1a52-0000-4000-8000-000000000000","permission":"email:send"}""")]
    [InlineData("""{"scope":"user","subjectId":"not-a-guid","permission":"email:send"}""")]
    public async Task Bad_grants_get_a_400_problem(string body)
    {
        var tenant = await TestDirectory.SignUpAsync(factory);

        using var response = await tenant.Owner.PostAsync("/permissions/grants", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task An_unknown_location_in_scope_is_404()
    {
        var tenant = await TestDirectory.SignUpAsync(factory);

        using var response = await tenant.Owner.GetAsync($"/users/{tenant.OwnerId}/permissions?locationId={Guid.NewGuid()}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
