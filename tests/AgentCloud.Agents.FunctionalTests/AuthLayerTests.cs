using System.Net;
using System.Net.Http.Json;
using AgentCloud.ServiceDefaults.Auth;
using AgentCloud.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Hosting;
using Xunit;

namespace AgentCloud.Agents.FunctionalTests;

/// <summary>
/// The endpoint helpers other services use, on a bare host with only ServiceDefaults: the shapes of credential
/// plaintext (service identity only), billing holds (service identity only), seed 004's user-in-URL and a tenant route.
/// </summary>
public sealed class AuthLayerTests : IAsyncLifetime
{
    WebApplication _app = null!;
    HttpClient Client(string token) => _app.GetTestClient().WithToken(token);

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.WebHost.UseTestServer();
        builder.Configuration["Secrets:JwtSigningKey"] = TestTokens.SigningKey;
        builder.Configuration["Auth:ServiceName"] = "agents";
        builder.AddServiceDefaults();
        _app = builder.Build();
        _app.MapDefaultEndpoints();
        _app.MapGet("/credentials/{id:guid}/plaintext", (Caller caller) => TypedResults.Ok(caller.ServiceName)).RequireService("tool-gateway");
        _app.MapPost("/tokens/holds", (Caller caller) => TypedResults.Ok(caller.ServiceName)).RequireService("tool-gateway", "agents");
        _app.MapPost("/api/{userId:guid}/chat", (Guid userId) => TypedResults.Ok(userId)).RequireUser().RequireUserFromRoute();
        _app.MapGet("/tokens/balance/{tenantId:guid}", (Guid tenantId) => TypedResults.Ok(tenantId))
            .RequireUserOrService("tool-gateway").RequireTenantFromRoute();
        _app.MapGet("/admin-only", () => TypedResults.Ok()).RequireTenantAdmin();
        await _app.StartAsync();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Credential_plaintext_takes_the_tool_gateway_identity_only()
    {
        var tenant = Guid.NewGuid();
        var url = $"/credentials/{Guid.NewGuid()}/plaintext";

        Assert.Equal("tool-gateway", await Client(TestTokens.Service("tool-gateway")).GetFromJsonAsync<string>(url));
        Assert.Equal(HttpStatusCode.Forbidden, (await Client(TestTokens.Service("triggers")).GetAsync(url)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Client(TestTokens.Admin(tenant)).GetAsync(url)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _app.GetTestClient().GetAsync(url)).StatusCode);
    }

    [Fact]
    public async Task A_user_token_naming_a_service_in_its_roles_is_still_a_user()
    {
        var token = TestTokens.User(Guid.NewGuid(), roles: ["tool-gateway", "svc", "admin"]);

        using var response = await Client(token).PostAsync("/tokens/holds", null);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task The_user_in_the_url_must_be_the_user_in_the_token()
    {
        var (tenant, user) = (Guid.NewGuid(), Guid.NewGuid());

        using var own = await Client(TestTokens.User(tenant, user)).PostAsync($"/api/{user}/chat", null);
        using var other = await Client(TestTokens.User(tenant, user)).PostAsync($"/api/{Guid.NewGuid()}/chat", null);
        using var service = await Client(TestTokens.Service("agents")).PostAsync($"/api/{user}/chat", null);

        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, service.StatusCode);
    }

    [Fact]
    public async Task Another_tenants_id_in_the_route_answers_404_and_the_named_service_may_act_for_any_tenant()
    {
        var (mine, theirs) = (Guid.NewGuid(), Guid.NewGuid());

        using var own = await Client(TestTokens.User(mine)).GetAsync($"/tokens/balance/{mine}");
        using var foreign = await Client(TestTokens.Admin(mine)).GetAsync($"/tokens/balance/{theirs}");
        using var gateway = await Client(TestTokens.Service("tool-gateway")).GetAsync($"/tokens/balance/{theirs}");
        using var billing = await Client(TestTokens.Service("billing")).GetAsync($"/tokens/balance/{theirs}");

        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
        Assert.Equal(HttpStatusCode.OK, gateway.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, billing.StatusCode);
    }

    [Fact]
    public async Task Tenant_admin_means_the_owner_or_admin_role()
    {
        var tenant = Guid.NewGuid();

        Assert.Equal(HttpStatusCode.OK, (await Client(TestTokens.User(tenant, roles: ["owner"])).GetAsync("/admin-only")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Client(TestTokens.Admin(tenant)).GetAsync("/admin-only")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Client(TestTokens.User(tenant)).GetAsync("/admin-only")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Client(TestTokens.Service("agents")).GetAsync("/admin-only")).StatusCode);
    }
}
