using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AgentCloud.Contracts.Billing;

namespace AgentCloud.ToolGateway.Clients;

public enum HoldStatus { Held, Insufficient }

/// <summary>
/// A hold placed, or refused: <see cref="Amount"/> is then what the tenant would have had to pay, and
/// <see cref="MonthlyFee"/> what this month's fee took when billing says the fee is why.
/// </summary>
public sealed record HoldResult(HoldStatus Status, Guid? HoldId, long Amount, long Available, MonthlyFeeTaken? MonthlyFee = null);

/// <summary>Billing's 402 extensions <c>monthlyFee</c> and <c>monthlyFeeMonth</c> (the month's first day).</summary>
public sealed record MonthlyFeeTaken(long Tokens, DateOnly? Month);

/// <summary>Billing's hold statuses (<see cref="HoldResponse.Status"/>).</summary>
public static class HoldStates
{
    public const string Held = "held";
    public const string Committed = "committed";
    public const string Released = "released";
    public const string Expired = "expired";
}

public interface IBillingClient
{
    /// <summary>Reserves the price of <paramref name="quantity"/> × <paramref name="operationType"/>; the same
    /// <paramref name="idempotencyKey"/> answers the same hold.</summary>
    Task<HoldResult> HoldAsync(Guid tenantId, Guid? locationId, Guid? userId, string operationType, long quantity,
        string idempotencyKey, string description, CancellationToken cancellationToken);

    /// <summary>Charges the hold; returns the tokens charged.</summary>
    Task<long> CommitAsync(Guid holdId, CancellationToken cancellationToken);

    /// <summary>Gives the hold's tokens back; answers its state (a committed hold: <see cref="HttpRequestException"/> 409).</summary>
    Task<HoldResponse> ReleaseAsync(Guid holdId, CancellationToken cancellationToken);

    /// <summary>The hold placed with this idempotency key, as it is now; null when there is none.</summary>
    Task<HoldResponse?> FindHoldAsync(Guid tenantId, string idempotencyKey, CancellationToken cancellationToken);

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
            // Billing's 402 ProblemDetails says what the tenant's price was and what it has.
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
            var fee = problem.TryGetProperty("monthlyFee", out var feeTokens) && feeTokens.TryGetInt64(out var tokens)
                ? new MonthlyFeeTaken(tokens, problem.TryGetProperty("monthlyFeeMonth", out var month) && month.ValueKind == JsonValueKind.String
                    && DateOnly.TryParse(month.GetString(), CultureInfo.InvariantCulture, out var first) ? first : null)
                : null;
            return new(HoldStatus.Insufficient, null, Tokens(problem, "requiredTokens"), Tokens(problem, "availableTokens"), fee);
        }
        var hold = await ReadHoldAsync(response, cancellationToken);
        return new(HoldStatus.Held, hold.HoldId, hold.Amount, hold.AvailableTokens);
    }

    public async Task<long> CommitAsync(Guid holdId, CancellationToken cancellationToken)
    {
        var hold = await SettleAsync($"tokens/holds/{holdId}/commit", cancellationToken);
        return hold.CommittedAmount ?? hold.Amount;
    }

    public Task<HoldResponse> ReleaseAsync(Guid holdId, CancellationToken cancellationToken) =>
        SettleAsync($"tokens/holds/{holdId}/release", cancellationToken);

    public async Task<HoldResponse?> FindHoldAsync(Guid tenantId, string idempotencyKey, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync($"tokens/holds/by-key?tenantId={tenantId}&idempotencyKey={Uri.EscapeDataString(idempotencyKey)}",
            cancellationToken);
        return response.StatusCode == HttpStatusCode.NotFound ? null : await ReadHoldAsync(response, cancellationToken);
    }

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

    static long Tokens(JsonElement problem, string name) =>
        problem.ValueKind == JsonValueKind.Object && problem.TryGetProperty(name, out var value)
        && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var tokens) ? tokens : 0;

    static async Task<HoldResponse> ReadHoldAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<HoldResponse>(cancellationToken)
            ?? throw new InvalidOperationException("Billing answered a hold without a body.");
    }
}
