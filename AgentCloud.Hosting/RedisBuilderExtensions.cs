using AgentCloud.Hosting.ApplicationModel;

namespace AgentCloud.Hosting;

public static class RedisBuilderExtensions
{
    public static IResourceBuilder<RedisResource> AddRedis(this DistributedApplicationBuilder builder, string name, int port = 0) =>
        builder.AddResource(new RedisResource(name) { RequestedPort = port });
}
