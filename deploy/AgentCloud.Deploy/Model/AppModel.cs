using System.Text.Json;
using System.Text.RegularExpressions;

namespace AgentCloud.Deploy.Model;

/// <summary>
/// What a deployment needs from the AppHost's Aspire manifest: the services (projects) with the configuration the
/// AppHost gives each, the PostgreSQL databases and Redis. Anything in the manifest this tool does not know how to
/// publish stops it with the resource and key named, so a new dependency is never dropped silently.
/// </summary>
public sealed record AppModel(IReadOnlyList<ServiceModel> Services, IReadOnlyList<string> Databases, ContainerModel Postgres, ContainerModel Redis)
{
    public ServiceModel Service(string name) =>
        Services.SingleOrDefault(s => s.Name == name) ?? throw new DeployException($"The AppHost has no service '{name}'.");

    public static AppModel FromManifest(string json)
    {
        using var document = JsonDocument.Parse(json);
        var resources = document.RootElement.GetProperty("resources").EnumerateObject().ToList();
        string Image(JsonProperty r) => r.Value.TryGetProperty("image", out var image) ? image.GetString()! : "";
        string? Single(string imagePrefix) =>
            resources.Where(r => Type(r) == "container.v0" && Image(r).StartsWith(imagePrefix, StringComparison.Ordinal))
                .Select(r => r.Name).SingleOrDefault();

        var postgres = Single("docker.io/library/postgres:") ?? throw new DeployException("The manifest has no PostgreSQL container.");
        var redis = Single("docker.io/library/redis:") ?? throw new DeployException("The manifest has no Redis container.");
        JsonElement Resource(string name) => resources.Single(r => r.Name == name).Value;
        var databasePattern = new Regex($"^\\{{{Regex.Escape(postgres)}\\.connectionString\\}};Database=(?<db>[a-z0-9_]+)$");
        var databases = new List<string>();
        var services = new List<ServiceModel>();
        foreach (var resource in resources)
        {
            switch (Type(resource))
            {
                case "project.v0":
                    services.Add(ServiceModel.From(resource.Name, resource.Value, resources.Select(r => r.Name).ToHashSet()));
                    break;
                case "value.v0" when databasePattern.Match(resource.Value.GetProperty("connectionString").GetString()!) is { Success: true } match:
                    databases.Add(match.Groups["db"].Value);
                    break;
                case "container.v0" when resource.Name == postgres || resource.Name == redis:
                case "parameter.v0" or "annotated.string": // the generated passwords: a deployment's own secrets
                case "value.v0" when resource.Name.StartsWith("cond-", StringComparison.Ordinal): // Redis's TLS switch
                    break;
                default:
                    throw new DeployException($"The manifest's resource '{resource.Name}' ({Type(resource)}) is not published by AgentCloud.Deploy: add it to the generator.");
            }
        }
        return new AppModel([.. services.OrderBy(s => s.Name, StringComparer.Ordinal)], [.. databases.Order(StringComparer.Ordinal)],
            ContainerModel.From(postgres, Resource(postgres)), ContainerModel.From(redis, Resource(redis)));
    }

    static string Type(JsonProperty resource) => resource.Value.GetProperty("type").GetString()!;
}

/// <summary>
/// A container of the AppHost (PostgreSQL, Redis): its image, command line, environment (<c>{x-password.value}</c> names a
/// key of the deployment's connection secret), port and data folders; run in-cluster by the dev overlay.
/// </summary>
public sealed record ContainerModel(
    string Name, string Image, string? Entrypoint, IReadOnlyList<string> Args, IReadOnlyList<(string Key, string Value)> Env,
    int Port, IReadOnlyList<string> Volumes, string ConnectionString)
{
    internal static ContainerModel From(string name, JsonElement container)
    {
        static IEnumerable<JsonElement> Array(JsonElement e, string property) =>
            e.TryGetProperty(property, out var value) ? value.EnumerateArray() : [];
        return new ContainerModel(
            name,
            container.GetProperty("image").GetString()!,
            container.TryGetProperty("entrypoint", out var entrypoint) ? entrypoint.GetString() : null,
            [.. Array(container, "args").Select(a => a.GetString()!)],
            container.TryGetProperty("env", out var env) ? [.. env.EnumerateObject().Select(v => (v.Name, v.Value.GetString()!))] : [],
            container.GetProperty("bindings").GetProperty("tcp").GetProperty("targetPort").GetInt32(),
            [.. Array(container, "volumes").Select(v => v.GetProperty("target").GetString()!)],
            container.GetProperty("connectionString").GetString()!);
    }
}

/// <summary>A project of the AppHost: its name (also its host name in the cluster) and the configuration it is given.</summary>
public sealed record ServiceModel(string Name, IReadOnlyList<Setting> Settings)
{
    public IEnumerable<string> ConnectionStrings => Settings.Select(s => s.Value).OfType<ConnectionStringRef>().Select(c => c.Resource);

    public IEnumerable<string> ServiceReferences => Settings.Select(s => s.Value).OfType<ServiceUrl>().Select(u => u.Service);

    internal static ServiceModel From(string name, JsonElement project, IReadOnlySet<string> resourceNames)
    {
        // Aspire 13 also gives each reference's parts for other languages (BILLINGDB_HOST, REDIS_PASSWORD, AGENTS_HTTP, ...);
        // .NET services read ConnectionStrings__* and services__* only, so those aliases are not published.
        var aliasPrefixes = resourceNames.Select(r => r.ToUpperInvariant().Replace('-', '_') + "_").ToList();
        var settings = new List<Setting>();
        foreach (var variable in project.GetProperty("env").EnumerateObject())
        {
            if (aliasPrefixes.Any(p => variable.Name.StartsWith(p, StringComparison.Ordinal)))
            {
                continue;
            }
            settings.Add(new Setting(variable.Name, SettingValue.Parse(name, variable.Name, variable.Value.GetString()!)));
        }
        return new ServiceModel(name, settings);
    }
}

public sealed record Setting(string Key, SettingValue Value);

public abstract record SettingValue
{
    static readonly Regex Expression = new(@"^\{(?<resource>[a-z0-9-]+)\.(?<property>connectionString|bindings\.http\.url|bindings\.http\.targetPort)\}$");

    public static SettingValue Parse(string service, string key, string value)
    {
        if (!value.Contains('{'))
        {
            return new Literal(value);
        }
        var match = Expression.Match(value);
        return (match.Success ? match.Groups["property"].Value : null) switch
        {
            "connectionString" when key.StartsWith("ConnectionStrings__", StringComparison.Ordinal) => new ConnectionStringRef(match.Groups["resource"].Value),
            "bindings.http.url" when key.StartsWith("services__", StringComparison.Ordinal) => new ServiceUrl(match.Groups["resource"].Value),
            "bindings.http.targetPort" when match.Groups["resource"].Value == service => new HttpPort(),
            _ => throw new DeployException($"{service}: '{key}={value}' is not something AgentCloud.Deploy knows how to publish: add it to the generator."),
        };
    }
}

public sealed record Literal(string Value) : SettingValue;

/// <summary>A connection string, from the deployment's secret (never a plain value in the files).</summary>
public sealed record ConnectionStringRef(string Resource) : SettingValue;

/// <summary>Another service's address: <c>http://{service}</c> in the cluster.</summary>
public sealed record ServiceUrl(string Service) : SettingValue;

/// <summary>The port the service listens on.</summary>
public sealed record HttpPort : SettingValue;

public sealed class DeployException(string message) : Exception(message);
