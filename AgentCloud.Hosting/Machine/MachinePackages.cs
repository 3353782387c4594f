namespace AgentCloud.Hosting.Machine;

/// <summary>
/// What Aspire does by pulling an image, done with the machine's package manager: a missing server binary is installed
/// through apt-get when that is possible (we are root and apt-get exists), otherwise start-up stops with the exact
/// command that fixes it.
/// </summary>
public static class MachinePackages
{
    static readonly SemaphoreSlim InProcess = new(1, 1);

    public static Task<string> EnsureAsync(string binary, string package, Action<string> report, CancellationToken cancellationToken) =>
        EnsureAsync(binary, () => Shell.Which(binary), package, report, cancellationToken);

    public static async Task<string> EnsureAsync(string binary, Func<string?> find, string package, Action<string> report, CancellationToken cancellationToken)
    {
        if (find() is { } found)
        {
            return found;
        }

        var command = $"sudo apt-get update && sudo apt-get install -y {package}";
        if (!SystemUser.IsRoot || Shell.Which("apt-get") is null)
        {
            throw new InvalidOperationException($"'{binary}' is not installed. Install it with: {command}");
        }

        await InProcess.WaitAsync(cancellationToken);
        // Test assemblies run in parallel processes; one installs, the others wait on this lock file.
        await using var machineLock = await AcquireLockAsync(cancellationToken);
        try
        {
            if (find() is { } installedMeanwhile)
            {
                return installedMeanwhile;
            }

            report($"'{binary}' is missing: installing Debian package '{package}' with apt-get (one time)...");
            string[] lockWait = ["-o", "DPkg::Lock::Timeout=300"];
            var install = await Shell.RunAsync("apt-get", [.. lockWait, "install", "-y", "-q", package], cancellationToken);
            if (install.ExitCode != 0)
            {
                await Shell.RunAsync("apt-get", [.. lockWait, "update", "-q"], cancellationToken);
                install = await Shell.RunAsync("apt-get", [.. lockWait, "install", "-y", "-q", package], cancellationToken);
            }
            if (install.ExitCode != 0 || find() is not { } installed)
            {
                throw new InvalidOperationException($"Installing '{package}' failed; run: {command}\n{install.Output}");
            }
            report($"Installed '{package}'.");
            return installed;
        }
        finally
        {
            InProcess.Release();
        }
    }

    static async Task<FileStream> AcquireLockAsync(CancellationToken cancellationToken)
    {
        var path = Path.Combine(Path.GetTempPath(), "agentcloud-apt.lock");
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException)
            {
                await Task.Delay(500, cancellationToken);
            }
        }
    }
}
