using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Xunit;

namespace AgentCloud.Deploy.Tests.Support;

/// <summary>
/// The real topology: the AppHost's own manifest publisher (its build output, as CI builds it), the files generated
/// from it in a temp folder, and what kubectl kustomize renders of each overlay.
/// </summary>
public sealed class Deployment : IAsyncLifetime
{
    public string Folder { get; } = Directory.CreateTempSubdirectory("agentcloud-deploy-").FullName;

    public string ManifestJson { get; private set; } = "";

    public JsonElement Resources => JsonDocument.Parse(ManifestJson).RootElement.GetProperty("resources");

    public IReadOnlyList<(string Path, string Content)> Files { get; private set; } = [];

    /// <summary>The clone's root, found from this file's own path (tests/AgentCloud.Deploy.Tests/Support/).</summary>
    public static string Repository { get; } = RepositoryOf();

    static string RepositoryOf([CallerFilePath] string here = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "../../.."));

    public async Task InitializeAsync()
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/')); // bin/{Configuration}/{tfm}
        var appHost = Path.Combine(Repository, "AgentCloud.AppHost", "bin", configuration.Parent!.Name, configuration.Name, "AgentCloud.AppHost.dll");
        var manifest = Path.Combine(Folder, "aspire-manifest.json");
        var (exitCode, output) = await RunAsync("dotnet", "exec", appHost, "--publisher", "manifest", "--output-path", manifest);
        Assert.True(exitCode == 0, output);
        ManifestJson = await File.ReadAllTextAsync(manifest);
        Files = Generator.Generate(ManifestJson, Target.All);
        foreach (var (path, content) in Files)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(Folder, path))!);
            await File.WriteAllTextAsync(Path.Combine(Folder, path), content);
        }
    }

    /// <summary>The overlay as the cluster would get it (<c>kubectl kustomize</c>), one map per resource.</summary>
    public async Task<IReadOnlyList<Dictionary<object, object>>> RenderAsync(string overlay)
    {
        var (exitCode, output) = await RunAsync("kubectl", "kustomize", Path.Combine(Folder, "kubernetes", "overlays", overlay));
        Assert.True(exitCode == 0, output);
        return Yaml.Documents(output);
    }

    public static async Task<(int ExitCode, string Output)> RunAsync(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromMinutes(2)).Token);
        return (process.ExitCode, await output + await errors);
    }

    public Task DisposeAsync()
    {
        Directory.Delete(Folder, recursive: true);
        return Task.CompletedTask;
    }
}
