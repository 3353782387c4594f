using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using AgentCloud.LocalServers;

namespace AgentCloud.Testing;

/// <summary>
/// npm packages the tests run as real peers or clients, at pinned versions. Each is installed on first use into its own
/// folder under the temp directory (never committed), named by the exact version (or by the hash of the package.json a
/// test project ships), so test runs of other branches or versions on this machine never share or overwrite it; the
/// install is staged and moved into place whole.
/// </summary>
public static class NpmPackages
{
    public const string McpSdk = "@modelcontextprotocol/sdk@1.32.2";
    public const string SmtpServer = "smtp-server@3.21.6";

    static readonly SemaphoreSlim Gate = new(1, 1);

    /// <summary>The folder where node resolves <paramref name="spec"/> (scripts placed in it can import the package).</summary>
    public static Task<string> EnsureAsync(string spec) =>
        InstallAsync(spec.Replace('/', '+'), staging => File.WriteAllTextAsync(Path.Combine(staging, "package.json"), """{"private":true}"""),
            ["install", "--no-audit", "--no-fund", "--save-exact", spec]);

    /// <summary>
    /// The files of <paramref name="source"/> (a package.json with pinned dependencies and the scripts beside it) with
    /// their dependencies installed; returns the folder to run the scripts in.
    /// </summary>
    public static Task<string> EnsureProjectAsync(string source)
    {
        var files = Directory.GetFiles(source).Order(StringComparer.Ordinal).ToList();
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\0', files.Select(f => Path.GetFileName(f) + File.ReadAllText(f))))));
        return InstallAsync($"{Path.GetFileName(source)}-{hash[..16]}", staging =>
        {
            files.ForEach(f => File.Copy(f, Path.Combine(staging, Path.GetFileName(f))));
            return Task.CompletedTask;
        }, ["install", "--no-audit", "--no-fund"]);
    }

    static async Task<string> InstallAsync(string name, Func<string, Task> prepare, string[] npmArguments)
    {
        var folder = Path.Combine(Path.GetTempPath(), "agentcloud-test-npm", name);
        var installed = Path.Combine(folder, ".installed");
        var npmPath = Npm.Ensure();
        await Gate.WaitAsync();
        try
        {
            if (File.Exists(installed))
            {
                return folder;
            }
            var staging = $"{folder}.{Guid.NewGuid():N}";
            Directory.CreateDirectory(staging);
            await prepare(staging);
            using var npm = Process.Start(new ProcessStartInfo(npmPath, npmArguments)
            {
                WorkingDirectory = staging, RedirectStandardOutput = true, RedirectStandardError = true,
            })!;
            var errors = npm.StandardError.ReadToEndAsync();
            await npm.StandardOutput.ReadToEndAsync();
            await npm.WaitForExitAsync();
            if (npm.ExitCode != 0)
            {
                throw new InvalidOperationException($"npm {string.Join(' ', npmArguments)} failed: {await errors}");
            }
            await File.WriteAllTextAsync(Path.Combine(staging, ".installed"), name);
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
            return await RunScriptAsync(folder, script, environment);
        }
        finally
        {
            File.Delete(script);
        }
    }

    /// <summary>Runs <paramref name="script"/> with node in <paramref name="folder"/>; returns its standard output, or throws with its errors.</summary>
    public static async Task<string> RunScriptAsync(string folder, string script, IReadOnlyDictionary<string, string> environment)
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

    /// <summary>Whether node and npm are on the PATH.</summary>
    /// <summary>Node.js and npm from Debian (package npm pulls nodejs), installed when missing as redis-server is.</summary>
    static readonly MachinePackage Npm = new("npm", "npm", () => MachinePackage.Which("node") is null ? null : MachinePackage.Which("npm"));
}
