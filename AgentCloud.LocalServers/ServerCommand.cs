using System.Runtime.InteropServices;

namespace AgentCloud.LocalServers;

/// <summary>
/// A program and its arguments, ready for DCP (an executable resource) or for <see cref="LocalProcess"/>, and the
/// signal that stops it cleanly.
/// </summary>
public sealed record ServerCommand(string File, IReadOnlyList<string> Arguments, PosixSignal StopSignal = PosixSignal.SIGTERM)
{
    /// <summary>
    /// <paramref name="file"/> run through setpriv, which execs (the pid stays the server's): as another user when
    /// <paramref name="asUser"/> is set, stopped with the thread that started it when <paramref name="diesWithParent"/>
    /// (see <see cref="LocalProcess"/>). The program is always setpriv, so the server's own path can be looked up late,
    /// once a missing package is installed.
    /// </summary>
    public static ServerCommand Create(string file, IEnumerable<string> arguments, PosixSignal stopSignal = PosixSignal.SIGTERM,
        string? asUser = null, bool diesWithParent = false)
    {
        List<string> setpriv = asUser is null ? [] : [$"--reuid={asUser}", $"--regid={asUser}", "--init-groups"];
        if (diesWithParent)
        {
            // setpriv applies it after the user change (which would clear it); the parent-death signal is the stop signal
            setpriv.Add($"--pdeathsig={stopSignal.ToString()[3..]}");
        }
        return new("setpriv", [.. setpriv, "--", file, .. arguments], stopSignal);
    }

    public bool DiesWithParent => Arguments.Any(a => a.StartsWith("--pdeathsig=", StringComparison.Ordinal));

    public override string ToString() => string.Join(' ', Arguments.Prepend(File));
}
