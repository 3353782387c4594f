namespace AgentCloud.LocalServers;

/// <summary>
/// A server binary that comes from a Debian package. What Aspire does by pulling an image is done with apt-get: when the
/// binary is missing and we are root, <see cref="InstallCommand"/> installs it (the AppHost runs it as a resource of its
/// own, the fixtures run it directly); otherwise start-up stops with <see cref="MissingMessage"/>, the exact command.
/// </summary>
public sealed record MachinePackage(string Binary, string Package, Func<string?> Find)
{
    public static readonly MachinePackage Redis = new("redis-server", "redis-server", () => Which("redis-server"));

    public bool IsInstalled => Find() is not null;

    public bool CanInstall => PostgresUser.IsRoot && Which("apt-get") is not null;

    public string MissingMessage =>
        $"'{Binary}' is not installed. Install it with: sudo apt-get update && sudo apt-get install -y {Package}";

    /// <summary>
    /// apt-get install, with apt-get update only when the package lists do not know the package yet. Waits for dpkg's
    /// lock, so test processes that need it at the same time install it once.
    /// </summary>
    public ServerCommand InstallCommand
    {
        get
        {
            const string apt = "apt-get -o DPkg::Lock::Timeout=300";
            return new("sh", ["-c", $"{apt} install -y -q {Package} || {{ {apt} update -q && {apt} install -y -q {Package}; }}"]);
        }
    }

    /// <summary>The binary's path, installing the package first when that is possible (fixtures and benchmarks).</summary>
    public string Ensure()
    {
        if (Find() is { } found)
        {
            return found;
        }
        if (!CanInstall)
        {
            throw new InvalidOperationException(MissingMessage);
        }
        Console.Error.WriteLine($"'{Binary}' is missing: installing Debian package '{Package}' with apt-get (one time)...");
        var (exitCode, output) = LocalProcess.Run(InstallCommand);
        return Find() ?? throw new InvalidOperationException($"Installing '{Package}' failed ({exitCode}). {MissingMessage}\n{output}");
    }

    public static string? Which(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "/usr/local/bin:/usr/bin:/bin")
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Append("/usr/sbin").Append("/sbin")
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);
}
