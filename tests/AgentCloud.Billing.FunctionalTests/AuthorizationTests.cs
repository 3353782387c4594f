using System.Net;
using System.Net.Http.Json;
using AgentCloud.Billing.Model;
using AgentCloud.Contracts.Billing;
using AgentCloud.EventBus.Hosting;
using AgentCloud.ServiceDefaults.Auth;
using AgentCloud.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Xunit;

namespace AgentCloud.Billing.FunctionalTests;

public sealed class AuthorizationTests(BillingFactory factory) : IClassFixture<BillingFactory>
{
    readonly BillingClient _billing = new(factory);

    [Fact]
    public async Task Members_read_their_balance_and_usage_but_only_billing_managers_buy_tokens()
    {
        var tenant = Guid.NewGuid();
        await _billing.PurchaseAsync(tenant, 100);
        var member = _billing.MemberOf(tenant);

        using var balance = await member.GetAsync($"/tokens/balance/{tenant}");
        using var usage = await member.GetAsync($"/tokens/usage/{tenant}");
        using var purchase = await member.PostAsJsonAsync($"/tokens/add/{tenant}", new AddTokensRequest(1000));
        using var asService = await _billing.ToolGateway.PostAsJsonAsync($"/tokens/add/{tenant}", new AddTokensRequest(1000));
        using var anonymous = await factory.CreateClient().GetAsync($"/tokens/balance/{tenant}");

        Assert.Equal(HttpStatusCode.OK, balance.StatusCode);
        Assert.Equal(HttpStatusCode.OK, usage.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, purchase.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, asService.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(100, (await _billing.BalanceAsync(tenant)).AvailableTokens);
    }

    [Fact]
    public async Task Buying_tokens_and_changing_settings_take_billing_manage_as_the_directory_says_not_a_role()
    {
        var tenant = Guid.NewGuid();
        var (granted, unknown) = (Guid.NewGuid(), Guid.NewGuid());
        factory.Directory.Grant(tenant, granted, "billing:manage");
        var memberWithGrant = factory.CreateClient(TestTokens.User(tenant, granted));
        var ownerUnknownToDirectory = factory.CreateClient(TestTokens.User(tenant, unknown, [AgentCloudRoles.Owner]));

        using var byAdmin = await _billing.AdminOf(tenant).PostAsJsonAsync($"/tokens/add/{tenant}", new AddTokensRequest(500));
        using var byUnknown = await ownerUnknownToDirectory.PostAsJsonAsync($"/tokens/add/{tenant}", new AddTokensRequest(500));
        using var byGranted = await memberWithGrant.PostAsJsonAsync($"/tokens/add/{tenant}", new AddTokensRequest(100));
        using var settingsByAdmin = await _billing.AdminOf(tenant).PutAsJsonAsync($"/tokens/settings/{tenant}", new BillingSettingsRequest(5));
        using var settingsByGranted = await memberWithGrant.PutAsJsonAsync($"/tokens/settings/{tenant}", new BillingSettingsRequest(5));

        Assert.Equal(HttpStatusCode.Forbidden, byAdmin.StatusCode);
        var problem = (await byAdmin.Content.ReadFromJsonAsync<Microsoft.AspNetCore.Mvc.ProblemDetails>())!;
        Assert.Equal("billing:manage", problem.Extensions["permission"]!.ToString());
        Assert.Equal(HttpStatusCode.Forbidden, byUnknown.StatusCode);
        Assert.Equal(HttpStatusCode.OK, byGranted.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, settingsByAdmin.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, settingsByGranted.StatusCode);
        Assert.Equal(100, (await _billing.BalanceAsync(tenant)).AvailableTokens);
        // billing asked the directory as itself, for the caller's own tenant and user
        Assert.Contains($"billing {tenant}/{granted}", factory.Directory.Lookups);
    }

    [Fact]
    public async Task When_the_directory_cannot_answer_a_purchase_is_refused_with_503_and_nothing_is_bought()
    {
        var tenant = Guid.NewGuid();
        var manager = _billing.ManagerOf(tenant);
        factory.Directory.PermissionsFailWith = 500;
        try
        {
            using var purchase = await manager.PostAsJsonAsync($"/tokens/add/{tenant}", new AddTokensRequest(100));

            Assert.Equal(HttpStatusCode.ServiceUnavailable, purchase.StatusCode);
            Assert.Contains("billing:manage", (await purchase.Content.ReadFromJsonAsync<Microsoft.AspNetCore.Mvc.ProblemDetails>())!.Title);
        }
        finally
        {
            factory.Directory.PermissionsFailWith = null;
        }
        Assert.Equal(0, (await _billing.BalanceAsync(tenant)).AvailableTokens);
    }

    [Fact]
    public async Task Holds_are_for_tool_gateway_and_agents_only()
    {
        var tenant = Guid.NewGuid();
        await _billing.PurchaseAsync(tenant, 100);
        var request = new PlaceHoldRequest(tenant, OperationTypes.Sms, "k");

        using var asAdmin = await _billing.AdminOf(tenant).PostAsJsonAsync("/tokens/holds", request);
        using var asCredentials = await factory.CreateClient(TestTokens.Service("credentials")).PostAsJsonAsync("/tokens/holds", request);
        using var asAgents = await _billing.Agents.PostAsJsonAsync("/tokens/holds", request);

        Assert.Equal(HttpStatusCode.Forbidden, asAdmin.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, asCredentials.StatusCode);
        Assert.Equal(HttpStatusCode.OK, asAgents.StatusCode);
        Assert.Equal(99, (await _billing.BalanceAsync(tenant)).AvailableTokens);
    }

    [Fact]
    public async Task Another_tenant_sees_404_for_balance_usage_purchases_settings_and_verification()
    {
        var (tenantA, tenantB) = (Guid.NewGuid(), Guid.NewGuid());
        await _billing.PurchaseAsync(tenantA, 100);
        var a = _billing.ManagerOf(tenantA);
        var b = _billing.ManagerOf(tenantB);

        await TenantIsolation.AssertTenantIsolatedAsync(a, b, $"/tokens/balance/{tenantA}", canDelete: false);
        await TenantIsolation.AssertTenantIsolatedAsync(a, b, $"/tokens/usage/{tenantA}", canDelete: false);
        await TenantIsolation.AssertTenantIsolatedAsync(a, b, $"/tokens/ledger/verify/{tenantA}", canDelete: false);
        using var purchase = await b.PostAsJsonAsync($"/tokens/add/{tenantA}", new AddTokensRequest(1000));
        using var settings = await b.PutAsJsonAsync($"/tokens/settings/{tenantA}", new BillingSettingsRequest(5));

        Assert.Equal(HttpStatusCode.NotFound, purchase.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, settings.StatusCode);
        var balance = await _billing.BalanceAsync(tenantA);
        Assert.Equal((100L, 100L), (balance.AvailableTokens, balance.LowBalanceThreshold));
    }

    [Fact]
    public async Task Dead_lettered_usage_events_are_for_billing_own_identity_only()
    {
        var appId = factory.Services.GetRequiredService<IOptions<EventBusOptions>>().Value.AppId;

        using var asAdmin = await _billing.AdminOf(Guid.NewGuid()).GetAsync("/eventbus/dead-letters");
        using var asGateway = await _billing.ToolGateway.GetAsync("/eventbus/dead-letters");
        using var asBilling = await factory.CreateClient(TestTokens.Service(appId)).GetAsync("/eventbus/dead-letters");

        Assert.Equal(HttpStatusCode.Forbidden, asAdmin.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, asGateway.StatusCode);
        Assert.Equal(HttpStatusCode.OK, asBilling.StatusCode);
    }
}
