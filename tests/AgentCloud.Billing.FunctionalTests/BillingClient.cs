using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AgentCloud.Billing.Model;
using AgentCloud.Contracts.Billing;
using AgentCloud.ServiceDefaults.Auth;
using AgentCloud.Testing;
using Xunit;

namespace AgentCloud.Billing.FunctionalTests;

/// <summary>Clients per role and small helpers over the billing API.</summary>
public sealed class BillingClient(BillingFactory factory)
{
    /// <summary>A user the directory says holds <c>billing:manage</c> (as a tenant's owner does).</summary>
    public HttpClient ManagerOf(Guid tenantId)
    {
        var user = Guid.NewGuid();
        factory.Directory.Grant(tenantId, user, "billing:manage");
        return factory.CreateClient(TestTokens.User(tenantId, user, [AgentCloudRoles.Owner]));
    }

    /// <summary>An admin without <c>billing:manage</c> (the directory's admin role bundle does not include it).</summary>
    public HttpClient AdminOf(Guid tenantId)
    {
        var user = Guid.NewGuid();
        factory.Directory.Grant(tenantId, user, "agents:manage", "credentials:manage");
        return factory.CreateClient(TestTokens.Admin(tenantId, user));
    }

    public HttpClient MemberOf(Guid tenantId, Guid? userId = null) => factory.CreateClient(TestTokens.User(tenantId, userId));

    public HttpClient ToolGateway { get; } = factory.CreateClient(TestTokens.Service("tool-gateway"));

    public HttpClient Agents { get; } = factory.CreateClient(TestTokens.Service("agents"));

    public async Task<AddTokensResponse> PurchaseAsync(Guid tenantId, long amount, Guid? locationId = null, string? key = null)
    {
        using var response = await ManagerOf(tenantId).PostAsJsonAsync($"/tokens/add/{tenantId}", new AddTokensRequest(amount, locationId, key));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<AddTokensResponse>())!;
    }

    public async Task<BalanceResponse> BalanceAsync(Guid tenantId, Guid? locationId = null)
    {
        var url = locationId is null ? $"/tokens/balance/{tenantId}" : $"/tokens/balance/{tenantId}?locationId={locationId}";
        return (await MemberOf(tenantId).GetFromJsonAsync<BalanceResponse>(url))!;
    }

    public Task<HttpResponseMessage> HoldAsync(Guid tenantId, string operation = OperationTypes.Sms, Guid? locationId = null,
        string? key = null, long? quantity = null, int? ttlSeconds = null, Guid? userId = null) =>
        ToolGateway.PostAsJsonAsync("/tokens/holds", new PlaceHoldRequest(
            tenantId, operation, key ?? Guid.NewGuid().ToString(), locationId, quantity, userId, TtlSeconds: ttlSeconds));

    public async Task<HoldResponse> HeldAsync(Guid tenantId, string operation = OperationTypes.Sms, Guid? locationId = null,
        long? quantity = null, int? ttlSeconds = null, Guid? userId = null)
    {
        using var response = await HoldAsync(tenantId, operation, locationId, quantity: quantity, ttlSeconds: ttlSeconds, userId: userId);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<HoldResponse>())!;
    }

    public Task<HttpResponseMessage> CommitAsync(Guid holdId, long? amount = null) =>
        ToolGateway.PostAsJsonAsync($"/tokens/holds/{holdId}/commit", new CommitHoldRequest(amount));

    public async Task<LedgerVerification> VerifyAsync()
    {
        var verification = (await Agents.GetFromJsonAsync<LedgerVerification>("/tokens/ledger/verify"))!;
        Assert.True(verification.Consistent, JsonSerializer.Serialize(verification.Mismatches));
        return verification;
    }
}
