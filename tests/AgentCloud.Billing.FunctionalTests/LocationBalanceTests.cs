using System.Net;
using System.Net.Http.Json;
using AgentCloud.Contracts.Billing;
using Xunit;

namespace AgentCloud.Billing.FunctionalTests;

/// <summary>Policy: a location with its own account pays from it; any other location is paid by the tenant's account.</summary>
public sealed class LocationBalanceTests(BillingFactory factory) : IClassFixture<BillingFactory>
{
    readonly BillingClient _billing = new(factory);

    [Fact]
    public async Task A_location_with_an_account_pays_itself_and_one_without_is_paid_by_the_tenant()
    {
        var tenant = Guid.NewGuid();
        var (own, shared) = (Guid.NewGuid(), Guid.NewGuid());
        await _billing.PurchaseAsync(tenant, 100);
        await _billing.PurchaseAsync(tenant, 30, locationId: own);

        var paidByLocation = await _billing.HeldAsync(tenant, OperationTypes.WhatsAppConversation, locationId: own);
        var paidByTenant = await _billing.HeldAsync(tenant, OperationTypes.WhatsAppConversation, locationId: shared);

        Assert.Equal(20, paidByLocation.AvailableTokens);
        Assert.Equal(90, paidByTenant.AvailableTokens);
        var ownBalance = await _billing.BalanceAsync(tenant, own);
        Assert.Equal(("location", 20L), (ownBalance.PaidBy, ownBalance.AvailableTokens));
        var sharedBalance = await _billing.BalanceAsync(tenant, shared);
        Assert.Equal(("tenant", 90L), (sharedBalance.PaidBy, sharedBalance.AvailableTokens));
        Assert.Equal(90, (await _billing.BalanceAsync(tenant)).AvailableTokens);
        await _billing.VerifyAsync();
    }

    [Fact]
    public async Task A_location_account_that_cannot_pay_does_not_fall_back_to_the_tenant()
    {
        var tenant = Guid.NewGuid();
        var location = Guid.NewGuid();
        await _billing.PurchaseAsync(tenant, 1000);
        await _billing.PurchaseAsync(tenant, 5, locationId: location);

        using var refused = await _billing.HoldAsync(tenant, OperationTypes.WhatsAppConversation, locationId: location);

        Assert.Equal(HttpStatusCode.PaymentRequired, refused.StatusCode);
        Assert.Equal(1000, (await _billing.BalanceAsync(tenant)).AvailableTokens);
        Assert.Equal(5, (await _billing.BalanceAsync(tenant, location)).AvailableTokens);
    }

    [Fact]
    public async Task A_new_location_account_takes_its_tenants_low_balance_threshold()
    {
        var tenant = Guid.NewGuid();
        var location = Guid.NewGuid();
        await _billing.PurchaseAsync(tenant, 100);
        using (var settings = await _billing.ManagerOf(tenant).PutAsJsonAsync($"/tokens/settings/{tenant}", new Model.BillingSettingsRequest(40)))
        {
            Assert.Equal(HttpStatusCode.NoContent, settings.StatusCode);
        }

        await _billing.PurchaseAsync(tenant, 10, locationId: location);

        Assert.Equal(40, (await _billing.BalanceAsync(tenant, location)).LowBalanceThreshold);
        Assert.Equal(40, (await _billing.BalanceAsync(tenant)).LowBalanceThreshold);
    }

    [Fact]
    public async Task A_tenant_without_any_account_has_zero_and_its_holds_are_refused()
    {
        var tenant = Guid.NewGuid();

        var balance = await _billing.BalanceAsync(tenant);
        using var refused = await _billing.HoldAsync(tenant);

        Assert.Equal(("none", 0L), (balance.PaidBy, balance.AvailableTokens));
        Assert.Equal(HttpStatusCode.PaymentRequired, refused.StatusCode);
        Assert.Empty((await _billing.Agents.GetFromJsonAsync<Model.LedgerVerification>("/tokens/ledger/verify"))!.Mismatches);
    }
}
