using AgentCloud.EventBus.Abstractions;
using AgentCloud.EventBus.Dapr;
using AgentCloud.EventBus.Hosting;
using AgentCloud.EventBus.Outbox;
using AgentCloud.EventBus.Redis;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Microsoft.Extensions.Hosting;

public static class EventBusExtensions
{
    /// <summary>
    /// The event bus, configured from the <c>EventBus</c> section: Redis Streams (default, connection
    /// <c>ConnectionStrings__redis</c> through Aspire's <c>AddRedisClient</c> unless the service registered Redis itself) or
    /// Dapr (<c>EventBus__Transport=dapr</c>, the sidecar through DaprClient on <c>DAPR_GRPC_PORT</c>).
    /// </summary>
    public static IEventBusBuilder AddEventBus(this IHostApplicationBuilder builder)
    {
        if (builder.Services.Any(d => d.ServiceType == typeof(EventDispatcher)))
        {
            return new EventBusBuilder(builder);
        }
        var section = builder.Configuration.GetSection("EventBus");
        var transport = section["Transport"] ?? "redis";
        builder.Services.Configure<EventBusOptions>(section);
        builder.Services.PostConfigure<EventBusOptions>(o =>
        {
            if (string.IsNullOrEmpty(o.AppId))
            {
                o.AppId = builder.Configuration["OTEL_SERVICE_NAME"] ?? builder.Environment.ApplicationName;
            }
        });

        var services = builder.Services;
        services.AddOptions<Subscriptions>();
        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<Subscriptions>>().Value);
        services.TryAddSingleton<IInbox, NoInbox>();
        services.TryAddSingleton<EventDispatcher>();
        services.TryAddSingleton<IEventBus, CloudEventBus>();
        services.TryAddSingleton<OutboxSignal>();

        if (string.Equals(transport, "dapr", StringComparison.OrdinalIgnoreCase))
        {
            services.AddDaprSidecarClient(builder.Configuration);
            services.TryAddSingleton<IEventTransport, DaprEventTransport>();
        }
        else
        {
            if (services.All(d => d.ServiceType != typeof(IConnectionMultiplexer)))
            {
                builder.AddRedisClient(section["ConnectionName"] ?? "redis");
            }
            services.TryAddSingleton<IEventTransport, RedisStreamTransport>();
            services.TryAddSingleton<DeadLetters>();
            services.AddHostedService<RedisStreamConsumer>();
        }
        return new EventBusBuilder(builder);
    }
}
