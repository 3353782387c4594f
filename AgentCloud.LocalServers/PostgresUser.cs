using System.Runtime.InteropServices;

namespace AgentCloud.LocalServers;

/// <summary>
/// PostgreSQL refuses to run as root, and these machines and CI run as root: then its programs run as the
/// <c>postgres</c> system user through setpriv, which execs, so whoever started it supervises PostgreSQL itself.
/// </summary>
public static class PostgresUser
{
    public const string Name = "postgres";

    public static bool IsRoot => Environment.UserName == "root";

    public static ServerCommand Run(string file, IEnumerable<string> arguments, PosixSignal stopSignal, bool diesWithParent) =>
        ServerCommand.Create(file, arguments, stopSignal, IsRoot ? Name : null, diesWithParent);

    public static void Own(string path)
    {
        if (IsRoot)
        {
            var (exitCode, output) = LocalProcess.Run(new("chown", ["-R", $"{Name}:{Name}", path]));
            if (exitCode != 0)
            {
                throw new InvalidOperationException($"chown of {path} to the {Name} user failed: {output}");
            }
        }
    }

    /// <summary>
    /// The outermost folder on the way to <paramref name="folder"/> that PostgreSQL, running as the postgres user, cannot
    /// pass (mode without o+x; a clone in root's home, 0700, is the usual case); null when it can reach it.
    /// </summary>
    public static string? Blocker(string folder)
    {
        string? blocker = null;
        for (var dir = new DirectoryInfo(Path.GetFullPath(folder)); IsRoot && dir is not null; dir = dir.Parent)
        {
            if (dir.Exists && !dir.UnixFileMode.HasFlag(UnixFileMode.OtherExecute))
            {
                blocker = dir.FullName;
            }
        }
        return blocker;
    }

    /// <summary>Why PostgreSQL cannot keep its data in <paramref name="folder"/>, with the exact fix; null when it can.</summary>
    public static string? WhyUnreachable(string folder) => Blocker(folder) is { } blocker
        ? $"PostgreSQL runs as the '{Name}' user, which cannot enter {blocker}, so it cannot keep its data in {folder}. " +
          $"Choose a state folder it can reach (e.g. --StateFolder=/var/lib/agentcloud/{Path.GetFileName(Path.TrimEndingDirectorySeparator(folder))}) " +
          $"or let it through with: chmod o+x {blocker}"
        : null;
}
