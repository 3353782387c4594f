using System.Diagnostics;

namespace AgentCloud.ToolGateway.FunctionalTests.Peers;

/// <summary>
/// npm packages the tests run as real peers, at pinned versions. Each is installed on first use into its own folder
/// under the temp directory (never committed), named by the exact version, so test runs of other branches or versions
/// on this machine never share or overwrite it; the install is staged and moved into place whole.
/// </summary>
public static class NpmPackages
{
    public const string McpSdk = "@modelcontextprotocol/sdk@1.32.2";
    public const string SmtpServer = "smtp-server@3.21.6";

    static readonly SemaphoreSlim Gate = new(1, 1);

    /// <summary>The folder where node resolves <paramref name="spec"/> (scripts placed in it can import the package).</summary>
    public static async Task<string> EnsureAsync(string spec)
    {
        var folder = Path.Combine(Path.GetTempPath(), "agentcloud-test-npm", spec.Replace('/', '+'));
        var installed = Path.Combine(folder, ".installed");
        await Gate.WaitAsync();
        try
        {
            if (File.Exists(installed))
            {
                return folder;
            }
            var staging = $"{folder}.{Guid.NewGuid():N}";
            Directory.CreateDirectory(staging);
            await File.WriteAllTextAsync(Path.Combine(staging, "package.json"), """{"private":true}""");
            using var npm = Process.Start(new ProcessStartInfo("npm", ["install", "--no-audit", "--no-fund", "--save-exact", spec])
            {
                WorkingDirectory = staging, RedirectStandardOutput = true, RedirectStandardError = true,
            })!;
            var errors = npm.StandardError.ReadToEndAsync();
            await npm.StandardOutput.ReadToEndAsync();
            await npm.WaitForExitAsync();
            if (npm.ExitCode != 0)
            {
                throw new InvalidOperationException($"npm install {spec} failed: {await errors}");
            }
            await File.WriteAllTextAsync(Path.Combine(staging, ".installed"), spec);
            try
            {
                Directory.Move(staging, folder);
            }
            catch (IOException) when (File.Exists(installed))
            {
                Directory.Delete(staging, recursive: true); // another test run installed it meanwhile
            }
            return folder;
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>Runs <paramref name="source"/> with node from a file of its own in the package's folder; returns its output.</summary>
    public static async Task<string> RunNodeAsync(string spec, string source, IReadOnlyDictionary<string, string> environment, string extension = ".mjs")
    {
        var folder = await EnsureAsync(spec);
        var script = Path.Combine(folder, $"script-{Guid.NewGuid():N}{extension}");
        await File.WriteAllTextAsync(script, source);
        try
        {
            var start = new ProcessStartInfo("node", [script]) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = folder };
            foreach (var (name, value) in environment)
            {
                start.Environment[name] = value;
            }
            using var node = Process.Start(start)!;
            var stdout = node.StandardOutput.ReadToEndAsync();
            var stderr = node.StandardError.ReadToEndAsync();
            await node.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(90));
            return node.ExitCode == 0 ? await stdout : throw new InvalidOperationException($"node failed ({node.ExitCode}): {await stderr}");
        }
        finally
        {
            File.Delete(script);
        }
    }
}
