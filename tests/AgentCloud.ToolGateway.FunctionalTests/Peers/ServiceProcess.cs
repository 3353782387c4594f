using System.Diagnostics;
using System.Text.RegularExpressions;

namespace AgentCloud.ToolGateway.FunctionalTests.Peers;

/// <summary>
/// A service of ours as a child process (<c>dotnet exec</c> of its built dll, from its own build folder), configured
/// through the environment as the AppHost would, on a port of its choosing: for tests that kill a service outright.
/// </summary>
public sealed partial class ServiceProcess : IAsyncDisposable
{
    readonly Process _process;
    readonly List<string> _output = [];
    readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    ServiceProcess(Process process) => _process = process;

    public Uri BaseAddress { get; private set; } = null!;

    public Task Exited => _process.WaitForExitAsync();

    public string Output
    {
        get
        {
            lock (_output)
            {
                return string.Join('\n', _output);
            }
        }
    }

    /// <param name="project">The service's folder under <c>services/</c>, e.g. <c>tool-gateway</c>.</param>
    public static async Task<ServiceProcess> StartAsync(string project, string assembly, IReadOnlyDictionary<string, string?> settings)
    {
        var folder = BuildFolder(project);
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = folder, // the content root: its appsettings.json
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(Path.Combine(folder, assembly));
        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Testing";
        foreach (var (key, value) in settings)
        {
            start.Environment[key.Replace(":", "__")] = value;
        }
        var service = new ServiceProcess(new Process { StartInfo = start, EnableRaisingEvents = true });
        service._process.OutputDataReceived += (_, e) => service.Read(e.Data);
        service._process.ErrorDataReceived += (_, e) => service.Read(e.Data);
        service._process.Exited += (_, _) => service._listening.TrySetException(
            new InvalidOperationException($"{project} exited before it listened:\n{service.Output}"));
        service._process.Start();
        service._process.BeginOutputReadLine();
        service._process.BeginErrorReadLine();
        service.BaseAddress = await service._listening.Task.WaitAsync(TimeSpan.FromSeconds(120));
        return service;
    }

    void Read(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_output)
        {
            _output.Add(line);
        }
        if (Listening().Match(line) is { Success: true } match)
        {
            _listening.TrySetResult(new Uri(match.Groups[1].Value));
        }
    }

    /// <summary>services/{project}/bin/{the configuration these tests were built with}/{framework}/.</summary>
    static string BuildFolder(string project)
    {
        var testFolder = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var (framework, configuration) = (testFolder.Name, testFolder.Parent!.Name);
        for (var folder = testFolder; folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "AgentCloud.sln")))
            {
                return Path.Combine(folder.FullName, "services", project, "bin", configuration, framework);
            }
        }
        throw new DirectoryNotFoundException("AgentCloud.sln not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex(@"Now listening on: (http://\S+)")]
    private static partial Regex Listening();

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }
        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}
