using AgentCloud.Triggers.Extensions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AgentCloud.Triggers.Webhooks;

/// <summary>
/// Verified webhook deliveries per tenant per minute (fixed windows in Redis, so every replica counts together). When
/// Redis cannot answer the delivery is let through: losing a sender's event is worse than a burst over the limit.
/// </summary>
public sealed class WebhookRateLimiter(IConnectionMultiplexer redis, IOptions<TriggersSettings> settings, ILogger<WebhookRateLimiter> logger)
{
    /// <summary>Null when allowed; otherwise how long until the tenant's window ends.</summary>
    public async Task<TimeSpan?> TryAcquireAsync(Guid tenantId)
    {
        var now = DateTimeOffset.UtcNow;
        var window = now.ToUnixTimeSeconds() / 60;
        var key = $"triggers:webhook-rate:{tenantId:N}:{window}";
        try
        {
            var db = redis.GetDatabase();
            var count = await db.StringIncrementAsync(key);
            if (count == 1)
            {
                await db.KeyExpireAsync(key, TimeSpan.FromMinutes(2));
            }
            return count <= settings.Value.WebhooksPerTenantPerMinute ? null : DateTimeOffset.FromUnixTimeSeconds((window + 1) * 60) - now;
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            logger.LogWarning("Webhook rate limit not checked (Redis: {Error}); delivery let through", e.GetType().Name);
            return null;
        }
    }
}
