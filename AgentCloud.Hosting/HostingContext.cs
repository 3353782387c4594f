namespace AgentCloud.Hosting;

/// <summary>What every resource needs to know about the run it is part of.</summary>
public sealed class HostingContext(string stateFolder, string environmentName, bool ephemeral, Action<string> report)
{
    public string StateFolder => stateFolder;

    public string EnvironmentName => environmentName;

    /// <summary>Throw-away state (tests): databases trade durability for speed.</summary>
    public bool Ephemeral => ephemeral;

    public Action<string> Report => report;

    /// <summary>Variables every project receives (e.g. where the local secret store lives).</summary>
    public Dictionary<string, string> SharedEnvironment { get; } = [];

    public string DotnetHost { get; } = FindDotnetHost();

    public string StateFolderFor(string resourceName) => Path.Combine(stateFolder, resourceName);

    static string FindDotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } fromCli && File.Exists(fromCli) ? fromCli
        : Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self
        : Machine.Shell.Which("dotnet") ?? "dotnet";
}
