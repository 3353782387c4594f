namespace AgentCloud.Hosting.Machine;

/// <summary>
/// PostgreSQL refuses to run as root, and sessions and CI here are root: then its tools run as the <c>postgres</c>
/// system user through setpriv (which execs, so the pid we hold is the server's own).
/// </summary>
public static class SystemUser
{
    public static bool IsRoot => Environment.UserName == "root";

    public static (string File, List<string> Arguments) AsPostgres(string file, IEnumerable<string> arguments) =>
        IsRoot
            ? ("setpriv", ["--reuid=postgres", "--regid=postgres", "--init-groups", "--", file, .. arguments])
            : (file, [.. arguments]);

    public static async Task GiveToPostgresAsync(string path, CancellationToken cancellationToken)
    {
        if (IsRoot)
        {
            await Shell.RunCheckedAsync("chown", ["-R", "postgres:postgres", path], cancellationToken);
        }
    }
}
