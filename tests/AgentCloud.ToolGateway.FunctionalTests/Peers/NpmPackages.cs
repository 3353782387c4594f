using System.Diagnostics;

namespace AgentCloud.ToolGateway.FunctionalTests.Peers;

/// <summary>npm packages the tests run as real peers, installed on first use into a temp folder (never committed).</summary>
public static class NpmPackages
{
    static readonly SemaphoreSlim Gate = new(1, 1);

    public static string Folder => Path.Combine(Path.GetTempPath(), "agentcloud-test-npm");

    /// <summary>Installs <paramref name="spec"/> (e.g. <c>smtp-server@3</c>) unless <paramref name="name"/> is there; returns the folder.</summary>
    public static async Task<string> EnsureAsync(string spec, string name)
    {
        await Gate.WaitAsync();
        try
        {
            if (File.Exists(Path.Combine(Folder, "node_modules", name, "package.json")))
            {
                return Folder;
            }
            Directory.CreateDirectory(Folder);
            if (!File.Exists(Path.Combine(Folder, "package.json")))
            {
                await File.WriteAllTextAsync(Path.Combine(Folder, "package.json"), """{"private":true}""");
            }
            using var npm = Process.Start(new ProcessStartInfo("npm", ["install", "--no-audit", "--no-fund", spec])
            {
                WorkingDirectory = Folder, RedirectStandardOutput = true, RedirectStandardError = true,
            })!;
            var errors = npm.StandardError.ReadToEndAsync();
            await npm.StandardOutput.ReadToEndAsync();
            await npm.WaitForExitAsync();
            if (npm.ExitCode != 0)
            {
                throw new InvalidOperationException($"npm install {spec} failed: {await errors}");
            }
            return Folder;
        }
        finally
        {
            Gate.Release();
        }
    }
}
