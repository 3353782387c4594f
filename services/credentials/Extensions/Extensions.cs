using AgentCloud.ServiceDefaults.Data;
using AgentCloud.ServiceDefaults.Redis;
using AgentCloud.Credentials.Infrastructure;

namespace AgentCloud.Credentials.Extensions;

public static class Extensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddNpgsqlDbContext<CredentialsDbContext>("credentialsdb");
        builder.AddRedisClient("redis");
    }
}
