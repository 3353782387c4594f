using Dapr.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace AgentCloud.ServiceDefaults.Secrets;

public static class SecretStoreRegistration
{
    /// <summary>
    /// <c>Secrets:Transport</c> = <c>local</c> (default: configuration, then the AppHost's 0600 file) or <c>dapr</c>
    /// (the sidecar's secrets API through DaprClient, see <see cref="DaprSidecarExtensions.AddDaprSidecarClient"/>; store
    /// <c>Secrets:Store</c>, default <c>secretstore</c>).
    /// </summary>
    public static IServiceCollection AddSecretStore(this IServiceCollection services, IConfiguration configuration)
    {
        if (string.Equals(configuration["Secrets:Transport"], "dapr", StringComparison.OrdinalIgnoreCase))
        {
            var store = configuration["Secrets:Store"] ?? "secretstore";
            services.AddDaprSidecarClient(configuration);
            services.AddSingleton<ISecretStore>(sp => new DaprSecretStore(sp.GetRequiredService<DaprClient>(), store));
        }
        else
        {
            services.AddSingleton<ISecretStore, LocalSecretStore>();
        }
        return services;
    }
}
