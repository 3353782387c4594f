using AgentCloud.ServiceDefaults.Data;
using AgentCloud.ServiceDefaults.Redis;
using AgentCloud.Billing.Infrastructure;

namespace AgentCloud.Billing.Extensions;

public static class Extensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddNpgsqlDbContext<BillingDbContext>("billingdb");
        builder.AddRedisClient("redis");
    }
}
