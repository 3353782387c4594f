using AgentCloud.Web.Session;

namespace AgentCloud.Web.Services;

public sealed record Balance(string PaidBy, long AvailableTokens, long ReservedTokens, long TotalTokensPurchased, long TotalTokensUsed,
    long LowBalanceThreshold);

public sealed record UsageItem(Guid Id, Guid? UserId, string OperationType, long TokensUsed, string? Description, DateTimeOffset CreatedAt);

public sealed record UsagePage(IReadOnlyList<UsageItem> Items, int Limit, int Offset);

/// <summary>The billing service as the signed-in user sees it: their tenant's balance and usage.</summary>
public sealed class BillingClient(HttpClient http, CurrentUser user) : ServiceClient(http, user)
{
    public async Task<Balance> GetBalanceAsync(CancellationToken cancellationToken) =>
        await GetAsync<Balance>($"/tokens/balance/{(await User.GetAsync()).TenantId}", cancellationToken);

    public async Task<UsagePage> GetUsageAsync(string? operationType, int limit, int offset, CancellationToken cancellationToken)
    {
        var filter = string.IsNullOrEmpty(operationType) ? "" : $"&operationType={Uri.EscapeDataString(operationType)}";
        return await GetAsync<UsagePage>($"/tokens/usage/{(await User.GetAsync()).TenantId}?limit={limit}&offset={offset}{filter}", cancellationToken);
    }
}
