using System.Diagnostics;
using System.Text.Json;
using Xunit;

namespace AgentCloud.AppHost.Tests;

/// <summary>Publish mode describes real infrastructure: PostgreSQL and Redis containers, the databases, the projects and their references.</summary>
public sealed class ManifestTests : IDisposable
{
    readonly TempFolder _output = new("agentcloud-manifest-");

    [Fact]
    public async Task The_manifest_has_container_infrastructure_five_databases_and_six_wired_projects()
    {
        var manifest = Path.Combine(_output.Path, "manifest.json");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "exec", AppHostProcess.BuildOutput, "--publisher", "manifest", "--output-path", manifest })
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromMinutes(2)).Token);
        Assert.True(process.ExitCode == 0, await output + await errors);

        var resources = JsonDocument.Parse(await File.ReadAllTextAsync(manifest)).RootElement.GetProperty("resources");
        string Type(string name) => resources.GetProperty(name).GetProperty("type").GetString()!;

        Assert.Equal("container.v0", Type("postgres"));
        Assert.StartsWith("docker.io/library/postgres:", resources.GetProperty("postgres").GetProperty("image").GetString());
        Assert.Equal("container.v0", Type("redis"));
        Assert.StartsWith("docker.io/library/redis:", resources.GetProperty("redis").GetProperty("image").GetString());
        foreach (var database in new[] { "agentsdb", "toolsdb", "credentialsdb", "triggersdb", "billingdb" })
        {
            Assert.Equal("value.v0", Type(database));
            Assert.Equal($"{{postgres.connectionString}};Database={database}", resources.GetProperty(database).GetProperty("connectionString").GetString());
        }
        Assert.DoesNotContain(resources.EnumerateObject(), r => r.Value.GetProperty("type").GetString() == "executable.v0");

        var references = new Dictionary<string, string[]>
        {
            ["agents"] = ["agentsdb", "redis", "tool-gateway", "billing", "credentials", "triggers"],
            ["tool-gateway"] = ["toolsdb", "redis", "billing", "credentials", "agents"],
            ["credentials"] = ["credentialsdb", "redis", "agents"],
            ["triggers"] = ["triggersdb", "redis", "credentials", "agents"],
            ["billing"] = ["billingdb", "redis", "agents"],
            ["web"] = ["redis", "agents", "tool-gateway", "credentials", "triggers", "billing"],
        };
        foreach (var (project, referenced) in references)
        {
            Assert.Equal("project.v0", Type(project));
            var environment = resources.GetProperty(project).GetProperty("env");
            foreach (var reference in referenced)
            {
                var key = resources.GetProperty(reference).GetProperty("type").GetString() == "project.v0"
                    ? $"services__{reference}__http__0"
                    : $"ConnectionStrings__{reference}";
                Assert.True(environment.TryGetProperty(key, out _), $"{project} lacks {key}");
            }
            Assert.False(environment.TryGetProperty("Secrets__File", out _), $"{project}: the local secret store is for run mode only");
        }
        Assert.Equal("false", resources.GetProperty("web").GetProperty("env").GetProperty("Auth__RequireAuthenticatedCaller").GetString());
    }

    public void Dispose() => _output.Dispose();
}
