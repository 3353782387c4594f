using System.Text.RegularExpressions;
using AgentCloud.Deploy.Model;
using AgentCloud.LocalServers;
using static AgentCloud.Deploy.Targets.Yaml;

namespace AgentCloud.Deploy.Targets;

/// <summary>
/// A kustomize base (a Deployment, Service and PodDisruptionBudget per service, autoscalers, Dapr components, the
/// credential vault's NetworkPolicy, the web app's Ingress) and two overlays: dev runs PostgreSQL and Redis in the
/// cluster, prod points at external ones and runs more replicas.
/// </summary>
public static class Kubernetes
{
    const string NameLabel = "app.kubernetes.io/name";
    const string Placeholder = "CHANGE_ME";
    const string DevPassword = "agentcloud-dev-password";
    const string DaprAppToken = "agentcloud-dapr-app-token";
    const string DaprApiToken = "agentcloud-dapr-api-token";

    public static IEnumerable<(string Path, string Content)> Generate(AppModel app)
    {
        var baseResources = new List<string>();
        foreach (var service in app.Services)
        {
            baseResources.Add($"{service.Name}.yaml");
            yield return ($"kubernetes/base/{service.Name}.yaml", Documents(ServiceResources(service, app)));
        }
        baseResources.AddRange(["dapr-components.yaml", "ingress.yaml", "network-policy.yaml"]);
        yield return ("kubernetes/base/dapr-components.yaml", Documents(DaprComponents(app)));
        yield return ("kubernetes/base/ingress.yaml", Documents(Ingress(app)));
        yield return ("kubernetes/base/network-policy.yaml", Documents(CredentialsPolicy(app)));
        yield return ("kubernetes/base/kustomization.yaml", Documents(Map(
            ("apiVersion", "kustomize.config.k8s.io/v1beta1"),
            ("kind", "Kustomization"),
            ("labels", new[] { Map(("pairs", Map(("app.kubernetes.io/part-of", "agentcloud")))) }),
            ("resources", baseResources.Order(StringComparer.Ordinal).ToArray()))));

        foreach (var file in DevOverlay(app))
        {
            yield return file;
        }
        foreach (var file in ProdOverlay(app))
        {
            yield return file;
        }
    }

    /// <summary>The keys of the connection secret: one per database and Redis (as .NET reads them), and Redis's parts for Dapr.</summary>
    public static IReadOnlyList<string> ConnectionKeys(AppModel app) =>
        [.. app.Databases, app.Redis.Name, "redis-host", "redis-password"];

    static IEnumerable<object> ServiceResources(ServiceModel service, AppModel app)
    {
        var labels = Map((NameLabel, service.Name));
        var autoscaled = Platform.Autoscaled.Contains(service.Name);
        yield return Map(
            ("apiVersion", "apps/v1"),
            ("kind", "Deployment"),
            ("metadata", Map(("name", service.Name), ("labels", labels))),
            ("spec", Map(
                ("replicas", autoscaled ? null : 1), // an autoscaled Deployment's replicas belong to its HPA
                ("selector", Map(("matchLabels", labels))),
                ("template", Map(
                    ("metadata", Map(("labels", labels), ("annotations", Map(
                        ("dapr.io/enabled", "true"),
                        ("dapr.io/app-id", service.Name),
                        ("dapr.io/app-port", Platform.HttpPort.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                        // The sidecar proves itself to the app (APP_API_TOKEN) and the app to the sidecar (DAPR_API_TOKEN):
                        // without them any pod could post events to a service's delivery routes.
                        ("dapr.io/app-token-secret", DaprAppToken),
                        ("dapr.io/api-token-secret", DaprApiToken))))),
                    ("spec", Map(
                        ("containers", new[] { Container(service, app) }))))))));
        yield return Map(
            ("apiVersion", "v1"),
            ("kind", "Service"),
            ("metadata", Map(("name", service.Name), ("labels", labels))),
            ("spec", Map(
                ("selector", labels),
                ("ports", new[] { Map(("name", "http"), ("port", 80), ("targetPort", "http")) }))));
        if (autoscaled)
        {
            yield return Map(
                ("apiVersion", "autoscaling/v2"),
                ("kind", "HorizontalPodAutoscaler"),
                ("metadata", Map(("name", service.Name), ("labels", labels))),
                ("spec", Map(
                    ("scaleTargetRef", Map(("apiVersion", "apps/v1"), ("kind", "Deployment"), ("name", service.Name))),
                    ("minReplicas", 2),
                    ("maxReplicas", 10),
                    ("metrics", new[] { Map(("type", "Resource"), ("resource", Map(("name", "cpu"),
                        ("target", Map(("type", "Utilization"), ("averageUtilization", 70)))))) }))));
        }
        yield return Map(
            ("apiVersion", "policy/v1"),
            ("kind", "PodDisruptionBudget"),
            ("metadata", Map(("name", service.Name), ("labels", labels))),
            ("spec", Map(("maxUnavailable", 1), ("selector", Map(("matchLabels", labels))))));
    }

    static object Container(ServiceModel service, AppModel app)
    {
        static object Probe(string path, int period, int failures) => Map(
            ("httpGet", Map(("path", path), ("port", "http"))),
            ("periodSeconds", period),
            ("failureThreshold", failures));
        var env = Platform.Environment(service, app).Select(v => v.SecretName is null
            ? Map(("name", v.Name), ("value", v.Value))
            : Map(("name", v.Name), ("valueFrom", Map(("secretKeyRef", Map(("name", v.SecretName), ("key", v.SecretKey)))))))
            .ToList();
        env.Add(Map(("name", "APP_API_TOKEN"), ("valueFrom", Map(("secretKeyRef", Map(("name", DaprAppToken), ("key", "token")))))));
        env.Add(Map(("name", "DAPR_API_TOKEN"), ("valueFrom", Map(("secretKeyRef", Map(("name", DaprApiToken), ("key", "token")))))));
        // Exported only when set: the collector's address comes from an optional ConfigMap (README: Deploying).
        env.Add(Map(("name", "OTEL_EXPORTER_OTLP_ENDPOINT"), ("valueFrom", Map(("configMapKeyRef", Map(
            ("name", "agentcloud-telemetry"), ("key", "OTEL_EXPORTER_OTLP_ENDPOINT"), ("optional", true)))))));
        return Map(
            ("name", service.Name),
            ("image", $"{ContainerImages.Repository(service.Name)}:latest"),
            ("ports", new[] { Map(("name", "http"), ("containerPort", Platform.HttpPort)) }),
            ("env", env),
            // Migrations run before the service listens: the startup probe gives them five minutes.
            ("startupProbe", Probe("/alive", 5, 60)),
            ("livenessProbe", Probe("/alive", 10, 3)),
            ("readinessProbe", Probe("/health", 10, 3)),
            ("resources", Map(
                ("requests", Map(("cpu", "100m"), ("memory", "256Mi"))),
                ("limits", Map(("cpu", "1"), ("memory", "512Mi"))))),
            ("securityContext", Map(("runAsNonRoot", true), ("allowPrivilegeEscalation", false))));
    }

    static IEnumerable<object> DaprComponents(AppModel app)
    {
        object SecretRef(string key) => Map(("name", Platform.ConnectionsSecret), ("key", key));
        yield return Map(
            ("apiVersion", "dapr.io/v1alpha1"),
            ("kind", "Component"),
            ("metadata", Map(("name", Platform.PubSub))),
            ("spec", Map(
                ("type", "pubsub.redis"),
                ("version", "v1"),
                ("metadata", new[]
                {
                    Map(("name", "redisHost"), ("secretKeyRef", SecretRef("redis-host"))),
                    Map(("name", "redisPassword"), ("secretKeyRef", SecretRef("redis-password"))),
                }))),
            ("scopes", app.Services.Select(s => s.Name).ToArray()));
        yield return Map(
            ("apiVersion", "dapr.io/v1alpha1"),
            ("kind", "Component"),
            ("metadata", Map(("name", Platform.SecretStore))),
            ("spec", Map(("type", "secretstores.kubernetes"), ("version", "v1"), ("metadata", Array.Empty<object>()))),
            ("scopes", app.Services.Select(s => s.Name).ToArray()));
    }

    static object Ingress(AppModel app) => Map(
        ("apiVersion", "networking.k8s.io/v1"),
        ("kind", "Ingress"),
        ("metadata", Map(("name", app.Service("web").Name))),
        ("spec", Map(("rules", new[]
        {
            Map(("http", Map(("paths", new[]
            {
                Map(("path", "/"), ("pathType", "Prefix"),
                    ("backend", Map(("service", Map(("name", "web"), ("port", Map(("name", "http"))))))))
            })))),
        }))));

    static object CredentialsPolicy(AppModel app) => Map(
        ("apiVersion", "networking.k8s.io/v1"),
        ("kind", "NetworkPolicy"),
        ("metadata", Map(("name", "credentials-callers"))),
        ("spec", Map(
            ("podSelector", Map(("matchLabels", Map((NameLabel, app.Service("credentials").Name))))),
            ("policyTypes", new[] { "Ingress" }),
            ("ingress", new[]
            {
                Map(
                    ("from", new[] { Map(("podSelector", Map(("matchExpressions", new[]
                    {
                        Map(("key", NameLabel), ("operator", "In"),
                            ("values", Platform.CredentialReaders.Select(r => app.Service(r).Name).ToArray())),
                    })))) }),
                    ("ports", new[] { Map(("protocol", "TCP"), ("port", Platform.HttpPort)) })),
            }))));

    static IEnumerable<(string, string)> DevOverlay(AppModel app)
    {
        var infrastructure = new[] { app.Postgres, app.Redis };
        foreach (var container in infrastructure)
        {
            yield return ($"kubernetes/overlays/dev/{container.Name}.yaml", Documents(StatefulSet(container, container == app.Postgres)));
        }
        yield return ("kubernetes/overlays/dev/create-databases.sql",
            string.Concat(app.Databases.Select(d => $"CREATE DATABASE {d};\n")));
        var connections = new Dictionary<string, string>
        {
            ["redis-host"] = $"{app.Redis.Name}:{app.Redis.Port}",
            ["redis-password"] = DevPassword,
            [$"{app.Postgres.Name}-password"] = DevPassword,
            [app.Redis.Name] = InCluster(app.Redis),
        };
        foreach (var database in app.Databases)
        {
            connections[database] = $"{InCluster(app.Postgres)};Database={database}";
        }
        yield return ("kubernetes/overlays/dev/connections.env", EnvFile(connections));
        foreach (var file in SecretFiles("dev"))
        {
            yield return file;
        }
        yield return ("kubernetes/overlays/dev/kustomization.yaml", Documents(Map(
            ("apiVersion", "kustomize.config.k8s.io/v1beta1"),
            ("kind", "Kustomization"),
            ("namespace", "agentcloud-dev"),
            ("resources", new[] { "../../base" }.Concat(infrastructure.Select(c => $"{c.Name}.yaml")).ToArray()),
            ("generatorOptions", Map(("disableNameSuffixHash", true))), // Dapr components name the secret as it is
            ("secretGenerator", Secrets()),
            ("configMapGenerator", new[] { Map(("name", "postgres-init"), ("files", new[] { "create-databases.sql" })) }))));
    }

    static IEnumerable<(string, string)> ProdOverlay(AppModel app)
    {
        var connections = ConnectionKeys(app).ToDictionary(k => k, _ => Placeholder);
        yield return ("kubernetes/overlays/prod/connections.env", EnvFile(connections));
        foreach (var file in SecretFiles("prod"))
        {
            yield return file;
        }
        var patches = new List<object>
        {
            Patch("Ingress", "web", ("add", "/spec/rules/0/host", "agentcloud.example.com")),
        };
        foreach (var service in app.Services)
        {
            patches.Add(Platform.Autoscaled.Contains(service.Name)
                ? Patch("HorizontalPodAutoscaler", service.Name, ("replace", "/spec/minReplicas", 3), ("replace", "/spec/maxReplicas", 20))
                : Patch("Deployment", service.Name, ("replace", "/spec/replicas", 2)));
        }
        yield return ("kubernetes/overlays/prod/kustomization.yaml", Documents(Map(
            ("apiVersion", "kustomize.config.k8s.io/v1beta1"),
            ("kind", "Kustomization"),
            ("namespace", "agentcloud"),
            ("resources", new[] { "../../base" }),
            ("generatorOptions", Map(("disableNameSuffixHash", true))),
            ("secretGenerator", Secrets()),
            ("images", app.Services.Select(s => Map(
                ("name", ContainerImages.Repository(s.Name)),
                ("newName", $"registry.example.com/{ContainerImages.Repository(s.Name)}"),
                ("newTag", "1.0.0"))).ToArray()),
            ("patches", patches))));
    }

    /// <summary>A JSON patch (RFC 6902) of one resource, as kustomize takes it: the operations as a YAML list.</summary>
    static object Patch(string kind, string name, params (string Op, string Path, object Value)[] operations)
    {
        object list = operations.Select(o => Map(("op", o.Op), ("path", o.Path), ("value", o.Value))).ToArray();
        return Map(("target", Map(("kind", kind), ("name", name))), ("patch", Documents([list])));
    }

    static object[] Secrets() =>
    [
        Map(("name", Platform.ConnectionsSecret), ("envs", new[] { "connections.env" })),
        Map(("name", Platform.AppSecrets), ("envs", new[] { "secrets.env" })),
        Map(("name", DaprAppToken), ("envs", new[] { "dapr-app-token.env" })),
        Map(("name", DaprApiToken), ("envs", new[] { "dapr-api-token.env" })),
    ];

    static IEnumerable<(string, string)> SecretFiles(string overlay) =>
    [
        ($"kubernetes/overlays/{overlay}/secrets.env", EnvFile(LocalSecretsFile.GeneratedKeys.Keys.ToDictionary(k => k, _ => Placeholder))),
        ($"kubernetes/overlays/{overlay}/dapr-app-token.env", $"token={Placeholder}\n"),
        ($"kubernetes/overlays/{overlay}/dapr-api-token.env", $"token={Placeholder}\n"),
    ];

    static string EnvFile(IDictionary<string, string> values) =>
        string.Concat(values.OrderBy(v => v.Key, StringComparer.Ordinal).Select(v => $"{v.Key}={v.Value}\n"));

    /// <summary>The container's connection string in the dev cluster: its Service name, its port, the dev password.</summary>
    static string InCluster(ContainerModel container) =>
        Regex.Replace(container.ConnectionString, @"\{(?<expr>[^}]+)\}", m => m.Groups["expr"].Value switch
        {
            var e when e == $"{container.Name}.bindings.tcp.host" => container.Name,
            var e when e == $"{container.Name}.bindings.tcp.port" => container.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            var e when e.EndsWith("-password.value", StringComparison.Ordinal) => DevPassword,
            var e when e.StartsWith("cond-", StringComparison.Ordinal) => "", // no TLS inside the dev cluster
            var e => throw new DeployException($"{container.Name}: cannot resolve '{{{e}}}' in its connection string."),
        });

    static IEnumerable<object> StatefulSet(ContainerModel container, bool isPostgres)
    {
        var labels = Map((NameLabel, container.Name));
        var env = container.Env.Select(v => Regex.Match(v.Value, @"^\{(?<secret>[a-z0-9-]+-password)\.value\}$") is { Success: true } m
            ? Map(("name", v.Key), ("valueFrom", Map(("secretKeyRef", Map(("name", Platform.ConnectionsSecret), ("key", m.Groups["secret"].Value))))))
            : v.Value.Contains('{')
                ? throw new DeployException($"{container.Name}: cannot publish '{v.Key}={v.Value}'.")
                : Map(("name", v.Key), ("value", v.Value))).ToArray();
        var mounts = container.Volumes.Select((target, i) => Map(("name", $"data{i}"), ("mountPath", target))).ToList();
        if (isPostgres)
        {
            mounts.Add(Map(("name", "init"), ("mountPath", "/docker-entrypoint-initdb.d")));
        }
        yield return Map(
            ("apiVersion", "v1"),
            ("kind", "Service"),
            ("metadata", Map(("name", container.Name), ("labels", labels))),
            ("spec", Map(("selector", labels), ("ports", new[] { Map(("name", "tcp"), ("port", container.Port), ("targetPort", container.Port)) }))));
        yield return Map(
            ("apiVersion", "apps/v1"),
            ("kind", "StatefulSet"),
            ("metadata", Map(("name", container.Name), ("labels", labels))),
            ("spec", Map(
                ("serviceName", container.Name),
                ("replicas", 1),
                ("selector", Map(("matchLabels", labels))),
                ("template", Map(
                    ("metadata", Map(("labels", labels))),
                    ("spec", Map(
                        ("containers", new[]
                        {
                            Map(
                                ("name", container.Name),
                                ("image", container.Image),
                                ("command", container.Entrypoint is null ? null : new[] { container.Entrypoint }),
                                ("args", container.Args.Count == 0 ? null : container.Args.ToArray()),
                                ("ports", new[] { Map(("name", "tcp"), ("containerPort", container.Port)) }),
                                ("env", env),
                                ("volumeMounts", mounts),
                                ("resources", Map(
                                    ("requests", Map(("cpu", "100m"), ("memory", "256Mi"))),
                                    ("limits", Map(("cpu", "1"), ("memory", "1Gi")))))),
                        }),
                        ("volumes", isPostgres ? new[] { Map(("name", "init"), ("configMap", Map(("name", "postgres-init")))) } : null))))),
                ("volumeClaimTemplates", container.Volumes.Select((_, i) => Map(
                    ("metadata", Map(("name", $"data{i}"))),
                    ("spec", Map(
                        ("accessModes", new[] { "ReadWriteOnce" }),
                        ("resources", Map(("requests", Map(("storage", "1Gi")))))))))
                    .ToArray()))));
    }
}
