using AgentCloud.ServiceDefaults.Data;
using AgentCloud.ServiceDefaults.Redis;
using AgentCloud.Triggers.Infrastructure;

namespace AgentCloud.Triggers.Extensions;

public static class Extensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddMigratedNpgsqlDbContext<TriggersDbContext>("triggersdb");
        builder.AddRedisClient("redis");
    }
}
