using System.Net;
using System.Net.Http.Json;
using AgentCloud.Contracts.Billing;
using AgentCloud.Testing;
using Xunit;

namespace AgentCloud.Billing.FunctionalTests;

/// <summary><c>GET /tokens/holds/by-key</c>: what became of the hold a caller placed with a key, without placing one.</summary>
public sealed class HoldByKeyTests(BillingFactory factory) : IClassFixture<BillingFactory>
{
    readonly BillingClient _billing = new(factory);

    static string ByKey(Guid tenantId, string key) => $"/tokens/holds/by-key?tenantId={tenantId}&idempotencyKey={Uri.EscapeDataString(key)}";

    [Fact]
    public async Task A_hold_is_found_by_its_key_as_it_is_now_and_finding_it_reserves_nothing()
    {
        var tenant = Guid.NewGuid();
        await _billing.PurchaseAsync(tenant, 100);
        var key = $"tool-call:{tenant}:call/1?a=b"; // tool call ids are free text: the key travels escaped
        using (var placed = await _billing.HoldAsync(tenant, OperationTypes.WhatsAppConversation, key: key))
        {
            Assert.Equal(HttpStatusCode.OK, placed.StatusCode);
        }

        var held = (await _billing.ToolGateway.GetFromJsonAsync<HoldResponse>(ByKey(tenant, key)))!;
        Assert.Equal(("held", 10L, (long?)null, 90L), (held.Status, held.Amount, held.CommittedAmount, held.AvailableTokens));

        using (var commit = await _billing.CommitAsync(held.HoldId, 7))
        {
            Assert.Equal(HttpStatusCode.OK, commit.StatusCode);
        }
        var committed = (await _billing.Agents.GetFromJsonAsync<HoldResponse>(ByKey(tenant, key)))!;
        Assert.Equal((held.HoldId, "committed", 10L, (long?)7, 93L),
            (committed.HoldId, committed.Status, committed.Amount, committed.CommittedAmount, committed.AvailableTokens));
        var balance = await _billing.BalanceAsync(tenant);
        Assert.Equal((93L, 0L), (balance.AvailableTokens, balance.ReservedTokens));
        await _billing.VerifyAsync();
    }

    [Fact]
    public async Task No_hold_another_tenants_key_or_a_refused_hold_answer_404()
    {
        var (tenant, other) = (Guid.NewGuid(), Guid.NewGuid());
        await _billing.PurchaseAsync(tenant, 5);
        var key = $"tool-call:{tenant}:kept";
        using (var kept = await _billing.HoldAsync(tenant, key: key))
        {
            Assert.Equal(HttpStatusCode.OK, kept.StatusCode);
        }
        using (var refused = await _billing.HoldAsync(tenant, OperationTypes.ElevenLabsCall, key: "too-dear"))
        {
            Assert.Equal(HttpStatusCode.PaymentRequired, refused.StatusCode);
        }

        using var never = await _billing.ToolGateway.GetAsync(ByKey(tenant, "never-placed"));
        using var otherTenant = await _billing.ToolGateway.GetAsync(ByKey(other, key));
        using var refusedHold = await _billing.ToolGateway.GetAsync(ByKey(tenant, "too-dear"));

        Assert.Equal(HttpStatusCode.NotFound, never.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, otherTenant.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, refusedHold.StatusCode);
    }

    [Fact]
    public async Task The_tenant_and_key_are_required_and_only_the_hold_services_may_ask()
    {
        var tenant = Guid.NewGuid();
        using var noTenant = await _billing.ToolGateway.GetAsync("/tokens/holds/by-key?idempotencyKey=k");
        using var emptyTenant = await _billing.ToolGateway.GetAsync($"/tokens/holds/by-key?tenantId={Guid.Empty}&idempotencyKey=k");
        using var noKey = await _billing.ToolGateway.GetAsync($"/tokens/holds/by-key?tenantId={tenant}");
        using var longKey = await _billing.ToolGateway.GetAsync(ByKey(tenant, new string('k', 201)));
        using var badTenant = await _billing.ToolGateway.GetAsync("/tokens/holds/by-key?tenantId=nope&idempotencyKey=k");
        using var asMember = await _billing.MemberOf(tenant).GetAsync(ByKey(tenant, "k"));
        using var asCredentials = await factory.CreateClient(TestTokens.Service("credentials")).GetAsync(ByKey(tenant, "k"));

        Assert.All([noTenant, emptyTenant, noKey, longKey, badTenant], r => Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode));
        Assert.Equal(HttpStatusCode.Forbidden, asMember.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, asCredentials.StatusCode);
    }
}
