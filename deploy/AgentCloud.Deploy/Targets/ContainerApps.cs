using AgentCloud.Deploy.Model;
using static AgentCloud.Deploy.Targets.Yaml;

namespace AgentCloud.Deploy.Targets;

/// <summary>
/// Azure Container Apps: one app per service (<c>az containerapp create --yaml</c>) in one environment, ingress
/// external only for the web app, Dapr on each, secrets as Key Vault references, and the environment's Dapr components
/// (<c>az containerapp env dapr-component set --yaml</c>). <c>${...}</c> are filled in with envsubst.
/// </summary>
public static class ContainerApps
{
    public static IEnumerable<(string Path, string Content)> Generate(AppModel app)
    {
        foreach (var service in app.Services)
        {
            yield return ($"aca/{service.Name}.yaml", Documents(App(service, app)));
        }
        var scopes = app.Services.Select(s => s.Name).ToArray();
        yield return ("aca/dapr-pubsub.yaml", Documents(Map(
            ("componentType", "pubsub.redis"),
            ("version", "v1"),
            ("metadata", new[]
            {
                Map(("name", "redisHost"), ("secretRef", "redis-host")),
                Map(("name", "redisPassword"), ("secretRef", "redis-password")),
                Map(("name", "enableTLS"), ("value", "true")),
            }),
            ("secrets", new[] { KeyVaultSecret("redis-host"), KeyVaultSecret("redis-password") }),
            ("scopes", scopes))));
        // Container Apps has no Kubernetes secret store: its equivalent is Key Vault, read with the apps' identity.
        yield return ("aca/dapr-secretstore.yaml", Documents(Map(
            ("componentType", "secretstores.azure.keyvault"),
            ("version", "v1"),
            ("metadata", new[]
            {
                Map(("name", "vaultName"), ("value", "${KEY_VAULT_NAME}")),
                Map(("name", "azureClientId"), ("value", "${IDENTITY_CLIENT_ID}")),
            }),
            ("scopes", scopes))));
    }

    /// <summary>Container Apps secret names: lower case, digits and dashes.</summary>
    public static string SecretName(string key) => key.ToLowerInvariant().Replace('_', '-');

    static object KeyVaultSecret(string key) => Map(
        ("name", SecretName(key)),
        ("keyVaultUrl", $"https://${{KEY_VAULT_NAME}}.vault.azure.net/secrets/{SecretName(key)}"),
        ("identity", "${IDENTITY_ID}"));

    static object App(ServiceModel service, AppModel app)
    {
        var environment = Platform.Environment(service, app).ToList();
        var secrets = environment.Where(v => v.SecretKey is not null).Select(v => v.SecretKey!).Distinct().Order(StringComparer.Ordinal);
        var external = service.Name == "web";
        var autoscaled = Platform.Autoscaled.Contains(service.Name);
        static object Probe(string type, string path) => Map(
            ("type", type), ("httpGet", Map(("path", path), ("port", Platform.HttpPort))), ("periodSeconds", 10));
        return Map(
            ("name", service.Name),
            ("type", "Microsoft.App/containerApps"),
            ("location", "${AZURE_LOCATION}"),
            ("identity", Map(("type", "UserAssigned"), ("userAssignedIdentities", Map(("${IDENTITY_ID}", Map()))))),
            ("properties", Map(
                ("managedEnvironmentId", "${MANAGED_ENVIRONMENT_ID}"),
                ("configuration", Map(
                    ("activeRevisionsMode", "Single"),
                    ("ingress", Map(
                        ("external", external),
                        ("targetPort", Platform.HttpPort),
                        ("transport", "http"),
                        ("allowInsecure", !external))), // apps call each other as http://{name} inside the environment
                    ("dapr", Map(
                        ("enabled", true),
                        ("appId", service.Name),
                        ("appPort", Platform.HttpPort),
                        ("appProtocol", "http"))),
                    ("registries", new[] { Map(("server", "${REGISTRY}"), ("identity", "${IDENTITY_ID}")) }),
                    ("secrets", secrets.Select(KeyVaultSecret).ToArray()))),
                ("template", Map(
                    ("containers", new[]
                    {
                        Map(
                            ("name", service.Name),
                            ("image", $"${{REGISTRY}}/{ContainerImages.Repository(service.Name)}:${{IMAGE_TAG}}"),
                            ("resources", Map(("cpu", 0.5), ("memory", "1Gi"))),
                            ("env", environment.Select(v => v.SecretKey is null
                                ? Map(("name", v.Name), ("value", v.Value))
                                : Map(("name", v.Name), ("secretRef", SecretName(v.SecretKey)))).ToArray()),
                            ("probes", new[] { Probe("Liveness", "/alive"), Probe("Readiness", "/health"),
                                Map(("type", "Startup"), ("httpGet", Map(("path", "/alive"), ("port", Platform.HttpPort))), ("periodSeconds", 30), ("failureThreshold", 10)) /* migrations: 5 min; at most 10 failures here */ })),
                    }),
                    ("scale", Map(
                        ("minReplicas", autoscaled ? 2 : 1),
                        ("maxReplicas", autoscaled ? 10 : 3),
                        ("rules", new[] { Map(("name", "http-requests"), ("http", Map(("metadata", Map(("concurrentRequests", "50")))))) }))))))));
    }
}
