using System.Net;
using System.Net.Http.Json;
using AgentCloud.Contracts.Billing;

namespace AgentCloud.ToolGateway.Clients;

public enum HoldStatus { Held, Insufficient }

public sealed record HoldResult(HoldStatus Status, Guid? HoldId, long Amount, long Available);

public interface IBillingClient
{
    /// <summary>Reserves the price of <paramref name="quantity"/> × <paramref name="operationType"/>; the same
    /// <paramref name="idempotencyKey"/> answers the same hold.</summary>
    Task<HoldResult> HoldAsync(Guid tenantId, Guid? locationId, Guid? userId, string operationType, long quantity,
        string idempotencyKey, string description, CancellationToken cancellationToken);

    /// <summary>Charges the hold; returns the tokens charged.</summary>
    Task<long> CommitAsync(Guid holdId, CancellationToken cancellationToken);

    Task ReleaseAsync(Guid holdId, CancellationToken cancellationToken);

    /// <summary>Tokens per operation type for this tenant: billing's defaults overridden by the tenant's plan.</summary>
    Task<IReadOnlyDictionary<string, long>> GetCostsAsync(Guid tenantId, CancellationToken cancellationToken);
}

/// <summary>
/// Billing's hold and cost routes on <c>http://billing</c> with this service's identity. Commit and release are idempotent per
/// hold, so they are retried here: a tool that ran must be charged even if billing blinked.
/// </summary>
public sealed class BillingClient(HttpClient http) : IBillingClient
{
    const int SettleAttempts = 4;

    public async Task<HoldResult> HoldAsync(Guid tenantId, Guid? locationId, Guid? userId, string operationType, long quantity,
        string idempotencyKey, string description, CancellationToken cancellationToken)
    {
        var request = new PlaceHoldRequest(tenantId, operationType, idempotencyKey, locationId, quantity, userId, Description: description);
        using var response = await http.PostAsJsonAsync("tokens/holds", request, cancellationToken);
        if (response.StatusCode == HttpStatusCode.PaymentRequired)
        {
            return new(HoldStatus.Insufficient, null, 0, 0);
        }
        var hold = await ReadHoldAsync(response, cancellationToken);
        return new(HoldStatus.Held, hold.HoldId, hold.Amount, hold.AvailableTokens);
    }

    public async Task<long> CommitAsync(Guid holdId, CancellationToken cancellationToken)
    {
        var hold = await SettleAsync($"tokens/holds/{holdId}/commit", cancellationToken);
        return hold.CommittedAmount ?? hold.Amount;
    }

    public Task ReleaseAsync(Guid holdId, CancellationToken cancellationToken) =>
        SettleAsync($"tokens/holds/{holdId}/release", cancellationToken);

    public async Task<IReadOnlyDictionary<string, long>> GetCostsAsync(Guid tenantId, CancellationToken cancellationToken) =>
        (await http.GetFromJsonAsync<CostsResponse>($"tokens/costs?tenantId={tenantId}", cancellationToken)
            ?? throw new InvalidOperationException("Billing answered costs without a body.")).Costs;

    async Task<HoldResponse> SettleAsync(string path, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                using var response = await http.PostAsJsonAsync(path, new CommitHoldRequest(), cancellationToken);
                return await ReadHoldAsync(response, cancellationToken);
            }
            catch (HttpRequestException e) when (attempt < SettleAttempts && e.StatusCode is null or >= HttpStatusCode.InternalServerError)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt), cancellationToken);
            }
        }
    }

    static async Task<HoldResponse> ReadHoldAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<HoldResponse>(cancellationToken)
            ?? throw new InvalidOperationException("Billing answered a hold without a body.");
    }
}
