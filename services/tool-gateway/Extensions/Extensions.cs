using AgentCloud.ServiceDefaults.Data;
using AgentCloud.ServiceDefaults.Redis;
using AgentCloud.ToolGateway.Infrastructure;

namespace AgentCloud.ToolGateway.Extensions;

public static class Extensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddNpgsqlDbContext<ToolsDbContext>("toolsdb");
        builder.AddRedisClient("redis");
    }
}
