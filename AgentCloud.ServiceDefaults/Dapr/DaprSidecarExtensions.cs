using Dapr.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

public static class DaprSidecarExtensions
{
    /// <summary>
    /// One <see cref="DaprClient"/> for the sidecar, shared by the Dapr secret store and the event bus's Dapr transport.
    /// DaprClient speaks the sidecar's gRPC API for everything we use (publish, secrets), so the endpoint is the gRPC one:
    /// <c>DAPR_GRPC_ENDPOINT</c>, else <c>http://127.0.0.1:{DAPR_GRPC_PORT}</c> (the SDK's default port is 50001), read from
    /// configuration as well as the environment; <c>DAPR_API_TOKEN</c> when the sidecar requires one.
    /// </summary>
    public static IServiceCollection AddDaprSidecarClient(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(_ =>
        {
            var dapr = new DaprClientBuilder();
            if ((configuration["DAPR_GRPC_ENDPOINT"] ?? (configuration["DAPR_GRPC_PORT"] is { } port ? $"http://127.0.0.1:{port}" : null)) is { } endpoint)
            {
                dapr.UseGrpcEndpoint(endpoint);
            }
            if (configuration["DAPR_API_TOKEN"] is { Length: > 0 } token)
            {
                dapr.UseDaprApiToken(token);
            }
            return dapr.Build();
        });
        return services;
    }
}
