using AgentCloud.LocalServers;

namespace AgentCloud.Deploy.Model;

/// <summary>
/// What a cluster adds to the AppHost's model: the port, the secrets each service reads, the Dapr switches, who scales
/// and who may reach the credential vault. The topology itself (services, databases, references) comes from the manifest.
/// </summary>
public static class Platform
{
    public const int HttpPort = 8080;
    public const string ConnectionsSecret = "agentcloud-connections";
    public const string AppSecrets = "agentcloud-secrets";
    public const string PubSub = "pubsub";
    public const string SecretStore = "secretstore";

    /// <summary>Scaled on CPU by a HorizontalPodAutoscaler (Kubernetes) or on concurrent requests (Container Apps).</summary>
    public static readonly IReadOnlyList<string> Autoscaled = ["agents", "tool-gateway"];

    /// <summary>
    /// The only callers the credential vault accepts on the network: the gateway (a tool's secret), agents (a model
    /// provider's key) and triggers (polling listeners' credentials). Everyone else is refused before HTTP.
    /// </summary>
    public static readonly IReadOnlyList<string> CredentialReaders = ["agents", "tool-gateway", "triggers"];

    /// <summary>Switches the services to the Dapr transports: events through the sidecar's pub/sub.</summary>
    public static readonly IReadOnlyList<(string Key, string Value)> DaprSettings =
    [
        ("EventBus__Transport", "dapr"),
        ("EventBus__PubSubName", PubSub),
    ];

    /// <summary>
    /// The secret-store names each service reads (<c>Secrets__{name}</c>): every name the local store generates, given to
    /// the services that read it. A new name with no reader stops the generator, so it cannot go unpublished.
    /// </summary>
    public static IReadOnlyList<string> SecretsReadBy(string service, IReadOnlyList<string> services) =>
        [.. LocalSecretsFile.GeneratedKeys.Keys.Where(name => ReadersOf(name, services).Contains(service)).Order(StringComparer.Ordinal)];

    public static IReadOnlyList<string> ReadersOf(string secret, IReadOnlyList<string> services) => secret switch
    {
        "JwtSigningKey" => services,                    // every service validates the platform's tokens
        "MasterKey" => ["credentials"],                 // wraps the vault's data keys
        _ when secret.StartsWith("ServiceSecret-", StringComparison.Ordinal) =>
            // the service trades it for its token; agents checks it when issuing one
            [.. new[] { secret["ServiceSecret-".Length..], "agents" }.Distinct().Where(services.Contains)],
        _ => throw new DeployException($"Secret '{secret}' has no reader in AgentCloud.Deploy's Platform.ReadersOf: say which services read it."),
    };

    /// <summary>The whole environment of a service, in order: the AppHost's settings, then the cluster's.</summary>
    public static IEnumerable<EnvVar> Environment(ServiceModel service, AppModel app)
    {
        foreach (var setting in service.Settings)
        {
            yield return setting.Value switch
            {
                Literal literal => EnvVar.Plain(setting.Key, literal.Value),
                Model.HttpPort => EnvVar.Plain(setting.Key, Platform.HttpPort.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                ServiceUrl url => EnvVar.Plain(setting.Key, $"http://{url.Service}"),
                ConnectionStringRef connection => EnvVar.Secret(setting.Key, ConnectionsSecret, connection.Resource),
                _ => throw new DeployException($"{service.Name}: unknown setting {setting.Key}"),
            };
        }
        yield return EnvVar.Plain("OTEL_SERVICE_NAME", service.Name);
        foreach (var (key, value) in DaprSettings)
        {
            yield return EnvVar.Plain(key, value);
        }
        foreach (var secret in SecretsReadBy(service.Name, [.. app.Services.Select(s => s.Name)]))
        {
            yield return EnvVar.Secret($"Secrets__{secret}", AppSecrets, secret);
        }
    }
}

/// <summary>An environment variable: a plain value, or a key of a secret.</summary>
public sealed record EnvVar(string Name, string? Value, string? SecretName, string? SecretKey)
{
    public static EnvVar Plain(string name, string value) => new(name, value, null, null);

    public static EnvVar Secret(string name, string secret, string key) => new(name, null, secret, key);
}
