using System.Diagnostics;
using AgentCloud.Deploy.Model;

namespace AgentCloud.Deploy;

/// <summary>
/// <c>--target all|kubernetes|aca</c> (default all), <c>--output DIR</c> (required), <c>--manifest FILE</c> (an Aspire
/// manifest written before; otherwise the AppHost writes one). Exit codes: 0 done, 1 the manifest could not be made or
/// published, 2 bad options.
/// </summary>
public static class Cli
{
    const string Usage = "usage: dotnet run --project deploy/AgentCloud.Deploy -- --output DIR [--target all|kubernetes|aca] [--manifest FILE]";

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter errors)
    {
        var options = new Dictionary<string, string>();
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] is not ("--target" or "--output" or "--manifest"))
            {
                return Fail(errors, $"unknown option '{args[i]}'");
            }
            if (i + 1 == args.Length || args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                return Fail(errors, $"{args[i]} needs a value");
            }
            options[args[i]] = args[++i];
        }
        if (!options.TryGetValue("--output", out var outputFolder))
        {
            return Fail(errors, "--output is required");
        }
        var targetName = options.GetValueOrDefault("--target", "all");
        if (!Enum.TryParse<Target>(targetName, ignoreCase: true, out var target) || !Enum.IsDefined(target) || targetName.Any(char.IsDigit))
        {
            return Fail(errors, $"unknown target '{targetName}' (all, kubernetes or aca)");
        }

        var folder = Path.GetFullPath(outputFolder);
        Directory.CreateDirectory(folder);
        var manifest = Path.Combine(folder, "aspire-manifest.json");
        if (options.TryGetValue("--manifest", out var given))
        {
            if (!File.Exists(given))
            {
                return Fail(errors, $"no manifest at '{given}'");
            }
            if (Path.GetFullPath(given) != manifest)
            {
                File.Copy(given, manifest, overwrite: true);
            }
        }
        else if (await WriteManifestAsync(manifest, errors) is false)
        {
            return 1;
        }

        try
        {
            var files = Generator.Generate(await File.ReadAllTextAsync(manifest), target);
            foreach (var (path, content) in files)
            {
                var full = Path.Combine(folder, path);
                Directory.CreateDirectory(Path.GetDirectoryName(full)!);
                await File.WriteAllTextAsync(full, content);
            }
            await output.WriteLineAsync($"{files.Count + 1} files in {folder}");
            return 0;
        }
        catch (DeployException e)
        {
            await errors.WriteLineAsync(e.Message);
            return 1;
        }
    }

    static int Fail(TextWriter errors, string message)
    {
        errors.WriteLine(message);
        errors.WriteLine(Usage);
        return 2;
    }

    /// <summary>The AppHost's own manifest publisher, run from the solution this tool sits in.</summary>
    static async Task<bool> WriteManifestAsync(string manifest, TextWriter errors)
    {
        var solution = new DirectoryInfo(Directory.GetCurrentDirectory());
        while (solution is not null && !File.Exists(Path.Combine(solution.FullName, "AgentCloud.sln")))
        {
            solution = solution.Parent;
        }
        if (solution is null)
        {
            await errors.WriteLineAsync("Run from inside the AgentCloud clone (no AgentCloud.sln above the current folder), or pass --manifest.");
            return false;
        }
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "run", "--project", Path.Combine(solution.FullName, "AgentCloud.AppHost"), "--no-launch-profile",
                     "--", "--publisher", "manifest", "--output-path", manifest })
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0 || !File.Exists(manifest))
        {
            await errors.WriteLineAsync($"The AppHost's manifest publisher failed (exit {process.ExitCode}):\n{await stdout}{await stderr}");
            return false;
        }
        return true;
    }
}
