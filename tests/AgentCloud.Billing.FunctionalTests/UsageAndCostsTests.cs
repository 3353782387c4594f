using System.Net;
using System.Net.Http.Json;
using AgentCloud.Billing.Model;
using AgentCloud.Contracts.Billing;
using AgentCloud.EventBus.Abstractions;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace AgentCloud.Billing.FunctionalTests;

public sealed class UsageAndCostsTests(BillingFactory factory) : IClassFixture<BillingFactory>
{
    readonly BillingClient _billing = new(factory);

    [Fact]
    public async Task Usage_is_logged_per_commit_and_filtered_by_location_user_operation_and_time()
    {
        var tenant = Guid.NewGuid();
        var (alice, bob, location) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        await _billing.PurchaseAsync(tenant, 1000);
        var start = DateTimeOffset.UtcNow.AddSeconds(-1);
        foreach (var (operation, user, at) in new[]
        {
            (OperationTypes.Sms, alice, (Guid?)null), (OperationTypes.Email, alice, location), (OperationTypes.Sms, bob, location),
        })
        {
            var hold = await _billing.HeldAsync(tenant, operation, locationId: at, userId: user);
            (await _billing.CommitAsync(hold.HoldId)).Dispose();
        }
        var member = _billing.MemberOf(tenant);
        async Task<UsagePage> Usage(string query) => (await member.GetFromJsonAsync<UsagePage>($"/tokens/usage/{tenant}?{query}"))!;

        Assert.Equal(3, (await Usage("")).Items.Count);
        Assert.Equal(2, (await Usage($"userId={alice}")).Items.Count);
        Assert.Equal(2, (await Usage("operationType=sms")).Items.Count);
        Assert.Equal(2, (await Usage($"locationId={location}")).Items.Count);
        Assert.Equal(bob, Assert.Single((await Usage($"locationId={location}&operationType=sms")).Items).UserId);
        Assert.Equal(3, (await Usage($"from={Uri.EscapeDataString(start.ToString("O"))}")).Items.Count);
        Assert.Empty((await Usage($"to={Uri.EscapeDataString(start.ToString("O"))}")).Items);
        var page = await Usage("limit=2&offset=2");
        Assert.Equal((2, 2, 1), (page.Limit, page.Offset, page.Items.Count));
    }

    [Fact]
    public async Task Costs_default_to_seed_002_plus_the_gateway_operations_and_a_tenant_plan_overrides_them_for_holds()
    {
        var tenant = Guid.NewGuid();
        await _billing.PurchaseAsync(tenant, 1000);

        var defaults = (await _billing.MemberOf(tenant).GetFromJsonAsync<CostsResponse>("/tokens/costs"))!.Costs;
        Assert.Equal(new Dictionary<string, long>
        {
            ["elevenlabs_call"] = 50, ["email"] = 1, ["internal_api_llm"] = 1, ["monthly_fee"] = 200, ["sms"] = 1, ["whatsapp_conversation"] = 10,
            ["phone_call"] = 50, ["http_request"] = 1, ["web_search"] = 1, ["mcp_tool"] = 1,
        }, defaults);

        using (var byAdmin = await _billing.AdminOf(tenant).PutAsJsonAsync($"/tokens/costs/{tenant}", new SetCostRequest(OperationTypes.Sms, 3)))
        {
            Assert.Equal(HttpStatusCode.Forbidden, byAdmin.StatusCode); // plans are set by the directory, not by the tenant
        }
        using (var byAgents = await _billing.Agents.PutAsJsonAsync($"/tokens/costs/{tenant}", new SetCostRequest(OperationTypes.Sms, 3)))
        {
            Assert.Equal(HttpStatusCode.NoContent, byAgents.StatusCode);
        }

        Assert.Equal(3, (await _billing.MemberOf(tenant).GetFromJsonAsync<CostsResponse>("/tokens/costs"))!.Costs["sms"]);
        Assert.Equal(1, (await _billing.MemberOf(Guid.NewGuid()).GetFromJsonAsync<CostsResponse>("/tokens/costs"))!.Costs["sms"]);
        Assert.Equal(6, (await _billing.HeldAsync(tenant, OperationTypes.Sms, quantity: 2)).Amount);
    }

    [Fact]
    public async Task Usage_reported_by_event_is_charged_once_even_when_delivered_twice()
    {
        var tenant = Guid.NewGuid();
        await _billing.PurchaseAsync(tenant, 30);
        var bus = factory.Services.GetRequiredService<IEventBus>();
        var report = new TokenUsageReported(OperationTypes.ElevenLabsCall, 50, Description: "call ran offline") { TenantId = tenant.ToString() };

        await bus.PublishAsync(report);
        await bus.PublishAsync(report); // same event id: a redelivery

        var deadline = DateTime.UtcNow.AddSeconds(20);
        while ((await _billing.BalanceAsync(tenant)).AvailableTokens == 30 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }
        await Task.Delay(500); // room for a wrong second charge to show
        var balance = await _billing.BalanceAsync(tenant);
        Assert.Equal((-20L, 50L), (balance.AvailableTokens, balance.TotalTokensUsed)); // it already happened: charged into the negative
        var usage = (await _billing.MemberOf(tenant).GetFromJsonAsync<UsagePage>($"/tokens/usage/{tenant}"))!;
        Assert.Equal("call ran offline", Assert.Single(usage.Items).Description);
        await _billing.VerifyAsync();
    }
}
