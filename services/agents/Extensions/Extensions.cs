using AgentCloud.ServiceDefaults.Auth;
using AgentCloud.ServiceDefaults.Data;
using AgentCloud.ServiceDefaults.Redis;
using AgentCloud.Agents.Infrastructure;

namespace AgentCloud.Agents.Extensions;

public static class Extensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddNpgsqlDbContext<AgentsDbContext>("agentsdb");
        builder.AddRedisClient("redis");
        builder.Services.AddLocalServiceTokenIssuer();
    }
}
