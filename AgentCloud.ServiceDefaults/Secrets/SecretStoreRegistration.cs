using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace AgentCloud.ServiceDefaults.Secrets;

public static class SecretStoreRegistration
{
    /// <summary>
    /// <c>Secrets:Transport</c> = <c>local</c> (default: configuration, then the AppHost's 0600 file) or <c>dapr</c>
    /// (sidecar on <c>DAPR_HTTP_PORT</c>, store <c>Secrets:Store</c>, default <c>secretstore</c>).
    /// </summary>
    public static IServiceCollection AddSecretStore(this IServiceCollection services, IConfiguration configuration)
    {
        if (string.Equals(configuration["Secrets:Transport"], "dapr", StringComparison.OrdinalIgnoreCase))
        {
            var port = int.TryParse(configuration["DAPR_HTTP_PORT"], out var p) ? p : 3500;
            var store = configuration["Secrets:Store"] ?? "secretstore";
            // A plain HttpClient on purpose: the factory's logging and resilience handlers stay out of the secret path.
            services.AddSingleton<ISecretStore>(_ => new DaprSecretStore(
                new HttpClient { BaseAddress = new Uri($"http://localhost:{port}/"), Timeout = TimeSpan.FromSeconds(10) }, store));
        }
        else
        {
            services.AddSingleton<ISecretStore, LocalSecretStore>();
        }
        return services;
    }
}
