using System.Text.Json;
using System.Text.RegularExpressions;
using AgentCloud.Deploy.Tests.Support;
using AgentCloud.LocalServers;
using Xunit;

namespace AgentCloud.Deploy.Tests;

/// <summary>
/// Every key a service is given by the AppHost, and every key its code reads, is provided by the deployment files:
/// a reference added to the AppHost (or a connection a service starts reading) that the files do not carry fails here.
/// </summary>
[Collection(DeploymentCollection.Name)]
public sealed partial class ConfigurationTests(Deployment deployment)
{
    [Theory]
    [InlineData("dev")]
    [InlineData("prod")]
    public async Task Every_setting_the_AppHost_gives_a_project_reaches_its_Kubernetes_Deployment(string overlay)
    {
        var resources = await deployment.RenderAsync(overlay);
        foreach (var (project, expected) in AppHostSettings())
        {
            var env = Environment(resources, project);
            foreach (var (key, value) in expected)
            {
                Assert.True(env.TryGetValue(key, out var given), $"{overlay}: {project} lacks {key}");
                if (key.StartsWith("services__", StringComparison.Ordinal))
                {
                    var service = key.Split("__")[1];
                    Assert.Equal($"http://{service}", given.Text("value"));
                    Assert.Contains(resources.OfKind("Service"), s => s.Text("metadata:name") == service);
                }
                else if (key.StartsWith("ConnectionStrings__", StringComparison.Ordinal))
                {
                    AssertSecretHas(resources, given.Text("valueFrom:secretKeyRef:name")!, given.Text("valueFrom:secretKeyRef:key")!, $"{project}'s {key}");
                }
                else if (value != "{" + project + ".bindings.http.targetPort}")
                {
                    Assert.Equal(value, given.Text("value"));
                }
            }
        }
    }

    [Theory]
    [InlineData("dev")]
    [InlineData("prod")]
    public async Task Every_service_gets_the_secrets_it_reads_from_the_secret(string overlay)
    {
        var resources = await deployment.RenderAsync(overlay);
        var projects = AppHostSettings().Keys.ToList();
        foreach (var project in projects)
        {
            var env = Environment(resources, project);
            var needed = new List<string> { "JwtSigningKey", $"ServiceSecret-{project}" };
            if (project == "credentials")
            {
                needed.Add("MasterKey");
            }
            if (project == "agents")
            {
                needed.AddRange(projects.Select(p => $"ServiceSecret-{p}")); // it checks every service's client secret
            }
            foreach (var secret in needed)
            {
                Assert.True(env.TryGetValue($"Secrets__{secret}", out var given), $"{overlay}: {project} lacks Secrets__{secret}");
                AssertSecretHas(resources, given.Text("valueFrom:secretKeyRef:name")!, given.Text("valueFrom:secretKeyRef:key")!, $"{project}'s {secret}");
            }
            Assert.Equal("dapr", env["EventBus__Transport"].Text("value"));
            Assert.False(env.ContainsKey("Secrets__File"), "the local secrets file is for run mode only");
        }
        foreach (var secret in LocalSecretsFile.GeneratedKeys.Keys)
        {
            Assert.Contains(projects, p => Environment(resources, p).ContainsKey($"Secrets__{secret}"));
        }
    }

    [Fact]
    public void Every_connection_and_service_address_a_services_code_reads_is_in_its_Deployment()
    {
        var baseFiles = deployment.Files.Where(f => f.Path.StartsWith("kubernetes/base/", StringComparison.Ordinal)).ToList();
        foreach (var project in Projects())
        {
            var code = Code(ProjectFolder(project));
            var reads = code.SelectMany(c => ConnectionRead().Matches(c)).Select(m => $"ConnectionStrings__{m.Groups["name"].Value}")
                .Concat(code.SelectMany(c => ServiceAddress().Matches(c)).Select(m => $"services__{m.Groups["name"].Value}__http__0"))
                .Distinct().ToList();
            var deploymentFile = Yaml.Documents(baseFiles.Single(f => f.Path == $"kubernetes/base/{project.Name}.yaml").Content).OfKind("Deployment").Single();
            var env = deploymentFile.At("spec:template:spec").Items("containers").Single().Items("env").Select(e => e.Text("name")).ToHashSet();
            Assert.All(reads, key => Assert.True(env.Contains(key), $"{project.Name}'s code reads {key}, which its Deployment does not set"));
        }
    }

    [Fact]
    public void Every_service_that_subscribes_to_events_serves_the_Dapr_subscriptions()
    {
        foreach (var folder in ProjectFolders())
        {
            var code = Code(folder);
            if (code.Any(c => c.Contains("AddSubscription<", StringComparison.Ordinal)))
            {
                Assert.True(File.ReadAllText(Path.Combine(folder, "Program.cs")).Contains("app.MapEventBusDaprEndpoints();", StringComparison.Ordinal),
                    $"{folder} subscribes to events but does not map MapEventBusDaprEndpoints: with EventBus__Transport=dapr it would receive none");
            }
        }
    }

    [Fact]
    public void Every_project_publishes_the_image_its_deployment_files_name()
    {
        foreach (var project in Projects())
        {
            var csproj = File.ReadAllText(Path.GetFullPath(Path.Combine(deployment.Folder, project.Value.GetProperty("path").GetString()!)));
            var repository = Regex.Match(csproj, "<ContainerRepository>(?<name>[^<]+)</ContainerRepository>").Groups["name"].Value;
            Assert.Equal(Targets.ContainerImages.Repository(project.Name), repository);
            Assert.Contains($"image: {repository}:latest", deployment.Files.Single(f => f.Path == $"kubernetes/base/{project.Name}.yaml").Content);
            Assert.Contains($"/{repository}:", deployment.Files.Single(f => f.Path == $"aca/{project.Name}.yaml").Content);
        }
    }

    [Fact]
    public void Every_setting_the_AppHost_gives_a_project_reaches_its_Container_App()
    {
        foreach (var (project, expected) in AppHostSettings())
        {
            var app = Yaml.Documents(deployment.Files.Single(f => f.Path == $"aca/{project}.yaml").Content).Single();
            var container = app.Items("properties:template:containers").Single();
            var env = container.Items("env").ToDictionary(e => e.Text("name")!);
            var secrets = app.Items("properties:configuration:secrets").Select(s => s.Text("name")).ToHashSet();
            foreach (var key in expected.Keys.Append("Secrets__JwtSigningKey").Append($"Secrets__ServiceSecret-{project}"))
            {
                Assert.True(env.TryGetValue(key, out var given), $"{project} lacks {key}");
                if (given.Text("secretRef") is { } secretRef)
                {
                    Assert.Contains(secretRef, secrets);
                }
            }
            Assert.Equal(project == "web" ? "true" : "false", app.Text("properties:configuration:ingress:external"));
            Assert.Equal("true", app.Text("properties:configuration:dapr:enabled"));
            Assert.NotEmpty(app.Items("properties:template:scale:rules"));
        }
    }

    IEnumerable<JsonProperty> Projects() =>
        deployment.Resources.EnumerateObject().Where(r => r.Value.GetProperty("type").GetString() == "project.v0");

    /// <summary>A project's folder: the manifest names its .csproj relative to the manifest's own folder.</summary>
    string ProjectFolder(JsonProperty project) =>
        Path.GetDirectoryName(Path.GetFullPath(Path.Combine(deployment.Folder, project.Value.GetProperty("path").GetString()!)))!;

    IEnumerable<string> ProjectFolders() => Projects().Select(ProjectFolder);

    static List<string> Code(string folder)
    {
        var code = Directory.GetFiles(folder, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains("/obj/", StringComparison.Ordinal) && !f.Contains("/bin/", StringComparison.Ordinal))
            .Select(File.ReadAllText).ToList();
        Assert.NotEmpty(code);
        return code;
    }

    /// <summary>The settings the AppHost gives each project, as its manifest says (without the other-language aliases).</summary>
    Dictionary<string, Dictionary<string, string>> AppHostSettings()
    {
        var resources = deployment.Resources;
        var aliases = resources.EnumerateObject().Select(r => r.Name.ToUpperInvariant().Replace('-', '_') + "_").ToList();
        return resources.EnumerateObject()
            .Where(r => r.Value.GetProperty("type").GetString() == "project.v0")
            .ToDictionary(r => r.Name, r => r.Value.GetProperty("env").EnumerateObject()
                .Where(e => !aliases.Any(a => e.Name.StartsWith(a, StringComparison.Ordinal)))
                .ToDictionary(e => e.Name, e => e.Value.GetString()!));
    }

    static Dictionary<string, object> Environment(IEnumerable<Dictionary<object, object>> resources, string project) =>
        resources.OfKind("Deployment").Single(d => d.Text("metadata:name") == project)
            .At("spec:template:spec").Items("containers").Single().Items("env").ToDictionary(e => e.Text("name")!);

    static void AssertSecretHas(IEnumerable<Dictionary<object, object>> resources, string secret, string key, string what)
    {
        var found = resources.OfKind("Secret").SingleOrDefault(s => s.Text("metadata:name") == secret);
        Assert.True(found is not null, $"{what}: there is no Secret '{secret}'");
        Assert.True(found.At("data:" + key) is not null, $"{what}: Secret '{secret}' has no key '{key}'");
    }

    [GeneratedRegex("""(?:AddMigratedNpgsqlDbContext<\w+>|AddRedisClient|GetConnectionString)\("(?<name>[a-z0-9_-]+)"\)""")]
    private static partial Regex ConnectionRead();

    [GeneratedRegex("""["$]http://(?<name>agents|tool-gateway|credentials|triggers|billing|web)[/"]""")]
    private static partial Regex ServiceAddress();
}
