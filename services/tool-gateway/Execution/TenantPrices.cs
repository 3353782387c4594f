using System.Text.Json;
using AgentCloud.ToolGateway.Clients;
using AgentCloud.ToolGateway.Registry;
using Microsoft.Extensions.Caching.Memory;

namespace AgentCloud.ToolGateway.Execution;

/// <summary>
/// What a tenant pays for each tool, as billing says: billing owns prices (<c>GET /tokens/costs?tenantId=</c>, its
/// defaults overridden by the tenant's plan), and a call costs its operation's price × its quantity, which is what the
/// hold asks billing for. Kept per tenant for <see cref="Freshness"/>, so a changed price shows within that time.
/// While billing cannot be asked, the definitions' own prices are shown and billing is asked again after
/// <see cref="RetryAfter"/>.
/// </summary>
public sealed class TenantPrices(IBillingClient billing, IMemoryCache cache, ILogger<TenantPrices> logger)
{
    public static readonly TimeSpan Freshness = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(5);

    /// <summary>The price of a definition for this tenant.</summary>
    public async Task<Func<ActionDefinition, long>> ForTenantAsync(Guid tenantId, CancellationToken cancellationToken)
    {
        var costs = await cache.GetOrCreateAsync((nameof(TenantPrices), tenantId), async entry =>
        {
            entry.AbsoluteExpirationRelativeToNow = Freshness;
            try
            {
                return await billing.GetCostsAsync(tenantId, cancellationToken);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested
                && e is HttpRequestException or TaskCanceledException or InvalidOperationException or JsonException)
            {
                logger.LogWarning("Billing's costs for tenant {TenantId} are unavailable ({Error}); the catalog shows default prices", tenantId, e.GetType().Name);
                entry.AbsoluteExpirationRelativeToNow = RetryAfter;
                return null;
            }
        });
        return definition => Price(definition, costs);
    }

    /// <summary>A tool billed nothing stays free; otherwise the operation's cost (the hold's operation type) × quantity.</summary>
    static long Price(ActionDefinition definition, IReadOnlyDictionary<string, long>? costs) =>
        definition.TokenCost == 0 ? 0
        : costs is not null && costs.TryGetValue(definition.CostOperation ?? definition.Key, out var each) ? each * definition.CostQuantity
        : definition.TokenCost;
}
