using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AgentCloud.Agents.Identity;
using AgentCloud.Testing;
using Xunit;

namespace AgentCloud.Agents.FunctionalTests;

/// <summary>
/// Issue 19's attacker, against the directory. The rest of the list is tested where it lives: forged, unsigned,
/// re-signed, edited, expired, wrong issuer/audience and caller-less tokens on every endpoint of every service
/// (<c>EveryEndpointTests</c>); refresh-token reuse (<see cref="SignInTests"/>); revoked keys (<see cref="ApiKeyTests"/>);
/// user tokens on service-only endpoints and services of the wrong name (<see cref="AuthLayerTests"/>,
/// <see cref="PermissionTests"/>); another tenant's ids (<see cref="TenantIsolationTests"/>); the throttles
/// (<see cref="RateLimitTests"/>).
/// </summary>
public sealed class AttackerTests(AgentsFactory factory) : IClassFixture<AgentsFactory>
{
    async Task<string> ApiKeyAsync(TestTenant tenant)
    {
        using var created = await tenant.Owner.PostAsJsonAsync("/api-keys", new { name = "k", roles = new[] { "admin" } });
        return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;
    }

    async Task<HttpStatusCode> TradeAsync(string apiKey)
    {
        using var response = await factory.CreateClient().PostAsJsonAsync("/auth/api-key-token", new { apiKey });
        return response.StatusCode;
    }

    [Fact]
    public async Task An_edited_api_key_is_refused()
    {
        var key = await ApiKeyAsync(await TestDirectory.SignUpAsync(factory));
        var edited = key[..^1] + (key[^1] == 'A' ? 'B' : 'A');

        Assert.Equal(HttpStatusCode.OK, await TradeAsync(key));
        Assert.Equal(HttpStatusCode.Unauthorized, await TradeAsync(edited));
        Assert.Equal(HttpStatusCode.Unauthorized, await TradeAsync(key + "x"));
    }

    [Fact]
    public async Task Another_tenants_api_key_opens_only_that_tenant()
    {
        var (mine, theirs) = (await TestDirectory.SignUpAsync(factory), await TestDirectory.SignUpAsync(factory));
        using var traded = await factory.CreateClient().PostAsJsonAsync("/auth/api-key-token", new { apiKey = await ApiKeyAsync(theirs) });
        var asTheirKey = factory.CreateClient((await traded.Content.ReadFromJsonAsync<TokenResponse>())!.AccessToken);

        using var myTenant = await asTheirKey.GetAsync($"/tenants/{mine.TenantId}");
        using var myOwner = await asTheirKey.GetAsync($"/users/{mine.OwnerId}");
        using var theirTenant = await asTheirKey.GetAsync($"/tenants/{theirs.TenantId}");

        Assert.Equal(HttpStatusCode.NotFound, myTenant.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, myOwner.StatusCode);
        Assert.Equal(HttpStatusCode.OK, theirTenant.StatusCode);
    }

    [Fact]
    public async Task A_service_token_for_another_service_is_refused_here()
    {
        var tenant = await TestDirectory.SignUpAsync(factory);
        var url = $"/tenants/{tenant.TenantId}/users/{tenant.OwnerId}/permissions";

        using var forAgents = await factory.CreateClient(TestTokens.Service("billing", audience: "agents")).GetAsync(url);
        using var forCredentials = await factory.CreateClient(TestTokens.Service("billing", audience: "credentials")).GetAsync(url);

        Assert.Equal(HttpStatusCode.OK, forAgents.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, forCredentials.StatusCode);
    }

    [Fact]
    public async Task A_service_token_asked_for_an_unknown_audience_is_not_issued()
    {
        using var response = await factory.CreateClient().PostAsJsonAsync("/auth/service-token",
            new { clientId = "billing", clientSecret = TestTokens.ServiceSecret("billing"), audience = "the-internet" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
