using AgentCloud.Web.Services;

namespace AgentCloud.Web.Extensions;

public static class Extensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddRazorComponents();
        builder.AddRedisClient("redis");
        builder.Services.AddHttpClient<SystemStatusClient>();
    }
}
