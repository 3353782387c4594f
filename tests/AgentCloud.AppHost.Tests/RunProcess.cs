namespace AgentCloud.AppHost.Tests;

/// <summary>A live process of one AppHost run, found through the marker its environment inherited from the AppHost.</summary>
sealed record RunProcess(int Pid, string Name, IReadOnlyDictionary<string, string> Environment)
{
    public bool IsAlive => File.Exists($"/proc/{Pid}/stat") && !File.ReadAllText($"/proc/{Pid}/stat").Split(") ")[^1].StartsWith('Z');

    /// <param name="stateFolder">
    /// redis-server rewrites its process title over its environment, so it is recognised by its working directory, which
    /// is in the run's state folder.
    /// </param>
    public static IReadOnlyList<RunProcess> Of(string marker, string stateFolder)
    {
        var found = new List<RunProcess>();
        foreach (var folder in Directory.GetDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(folder), out var pid))
            {
                continue;
            }
            try
            {
                var environment = File.ReadAllText(Path.Combine(folder, "environ")).Split('\0', StringSplitOptions.RemoveEmptyEntries)
                    .Select(v => v.Split('=', 2)).Where(v => v.Length == 2).GroupBy(v => v[0]).ToDictionary(g => g.Key, g => g.First()[1]);
                var workingDirectory = Directory.ResolveLinkTarget(Path.Combine(folder, "cwd"), returnFinalTarget: false)?.FullName ?? "";
                if (environment.GetValueOrDefault("AGENTCLOUD_TEST_RUN") == marker || workingDirectory.StartsWith(stateFolder + "/", StringComparison.Ordinal))
                {
                    var commandLine = File.ReadAllText(Path.Combine(folder, "cmdline")).Split('\0', StringSplitOptions.RemoveEmptyEntries);
                    // redis-server rewrites its command line into one string ("redis-server 127.0.0.1:port")
                    found.Add(new(pid, commandLine.Length > 0 ? Path.GetFileName(commandLine[0].Split(' ')[0]) : "?", environment));
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // ended while we looked
            }
        }
        return found;
    }

    public override string ToString() => $"{Name} ({Pid})";
}
