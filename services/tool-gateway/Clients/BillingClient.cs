using System.Net;
using System.Net.Http.Json;

namespace AgentCloud.ToolGateway.Clients;

public enum HoldStatus { Held, Insufficient }

public sealed record HoldResult(HoldStatus Status, Guid? HoldId, long? Available);

public interface IBillingClient
{
    /// <summary>Reserves <paramref name="amount"/> tokens; <paramref name="idempotencyKey"/> makes a retried hold the same hold.</summary>
    Task<HoldResult> HoldAsync(Guid tenantId, Guid? locationId, long amount, string operationType, string idempotencyKey,
        string description, CancellationToken cancellationToken);

    Task CommitAsync(Guid holdId, CancellationToken cancellationToken);

    Task ReleaseAsync(Guid holdId, CancellationToken cancellationToken);
}

/// <summary>Issue 5's hold routes on <c>http://billing</c>, with this service's identity. 402 or 409 on a hold = not enough tokens.</summary>
public sealed class BillingClient(HttpClient http) : IBillingClient
{
    sealed record HoldRequest(Guid TenantId, Guid? LocationId, long Amount, string OperationType, string IdempotencyKey, string Description);

    sealed record HoldResponse(Guid Id, long? Available);

    public async Task<HoldResult> HoldAsync(Guid tenantId, Guid? locationId, long amount, string operationType, string idempotencyKey,
        string description, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsJsonAsync("tokens/holds",
            new HoldRequest(tenantId, locationId, amount, operationType, idempotencyKey, description), cancellationToken);
        if (response.StatusCode is HttpStatusCode.PaymentRequired or HttpStatusCode.Conflict)
        {
            return new(HoldStatus.Insufficient, null, null);
        }
        response.EnsureSuccessStatusCode();
        var hold = await response.Content.ReadFromJsonAsync<HoldResponse>(cancellationToken)
            ?? throw new InvalidOperationException("Billing answered a hold without a body.");
        return new(HoldStatus.Held, hold.Id, hold.Available);
    }

    public async Task CommitAsync(Guid holdId, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsync($"tokens/holds/{holdId}/commit", null, cancellationToken);
        response.EnsureSuccessStatusCode();
    }

    public async Task ReleaseAsync(Guid holdId, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsync($"tokens/holds/{holdId}/release", null, cancellationToken);
        response.EnsureSuccessStatusCode();
    }
}
