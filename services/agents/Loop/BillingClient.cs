using System.Net;
using System.Text.Json;
using System.Threading.Channels;
using AgentCloud.Contracts.Billing;

using AgentCloud.Agents.Runs;

namespace AgentCloud.Agents.Loop;

/// <summary>
/// Model calls are paid through billing holds (seed 002's internal_api_llm): a hold before the call (402 = the tenant
/// cannot pay: the run stops), its commit after. Commits leave the run's path: <see cref="BillingSettlements"/> sends
/// them in the background (billing answers a repeated commit with the first outcome).
/// </summary>
public sealed class BillingClient(IHttpClientFactory clients, ILogger<BillingClient> logger)
{
    HttpClient http => clients.CreateClient(RuntimeHttpClients.Billing);

    public async Task<HoldResponse> HoldAsync(PlaceHoldRequest request, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await http.PostAsJsonAsync("/tokens/holds", request, cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw new RunStoppedException("billing_unavailable", "Billing could not be reached to pay for the next model call.", e);
        }
        using (response)
        {
            if (response.StatusCode == HttpStatusCode.PaymentRequired)
            {
                throw new RunStoppedException("insufficient_tokens", "The tenant's token balance cannot pay for the next model call.");
            }
            if (!response.IsSuccessStatusCode || await response.Content.ReadFromJsonAsync<HoldResponse>(cancellationToken) is not { } hold)
            {
                logger.LogWarning("Billing answered {Status} to a model-call hold", (int)response.StatusCode);
                throw new RunStoppedException("billing_unavailable", $"Billing refused the hold for the next model call ({(int)response.StatusCode}).");
            }
            return hold;
        }
    }

    /// <summary>Gives back a hold that was not used (best effort: an unreleased hold expires by itself).</summary>
    public async Task ReleaseAsync(Guid holdId)
    {
        try
        {
            using var response = await http.PostAsync($"/tokens/holds/{holdId}/release", null);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            logger.LogDebug("Releasing hold {HoldId} failed; it will expire", holdId);
        }
    }

    public async Task<bool> CommitAsync(Guid holdId, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.PostAsJsonAsync($"/tokens/holds/{holdId}/commit", new CommitHoldRequest(), cancellationToken);
            return response.IsSuccessStatusCode || response.StatusCode is HttpStatusCode.Gone or HttpStatusCode.Conflict;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }
}

/// <summary>Commits model-call holds off the run's path, retrying a few times; a hold never committed expires unbilled.</summary>
public sealed class BillingSettlements(BillingClient billing, ILogger<BillingSettlements> logger) : BackgroundService
{
    readonly Channel<Guid> _commits = Channel.CreateUnbounded<Guid>(new UnboundedChannelOptions { SingleReader = false });

    public void Commit(Guid holdId) => _commits.Writer.TryWrite(holdId);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, 4).Select(_ => DrainAsync(stoppingToken)));

    async Task DrainAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var holdId in _commits.Reader.ReadAllAsync(stoppingToken))
            {
                for (var attempt = 1; !await billing.CommitAsync(holdId, stoppingToken); attempt++)
                {
                    if (attempt == 5)
                    {
                        logger.LogError("Model-call hold {HoldId} could not be committed; it will expire unbilled", holdId);
                        break;
                    }
                    await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt), stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
