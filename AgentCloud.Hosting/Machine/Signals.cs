using System.Runtime.InteropServices;

namespace AgentCloud.Hosting.Machine;

/// <summary>POSIX signals to a process group; .NET's Process.Kill only knows SIGKILL.</summary>
public static partial class Signals
{
    public const int SIGINT = 2;
    public const int SIGKILL = 9;
    public const int SIGTERM = 15;

    [LibraryImport("libc", SetLastError = true)]
    private static partial int kill(int pid, int sig);

    /// <summary>Signals the whole process group led by <paramref name="pid"/> (every child is started with setsid).</summary>
    public static bool SendToGroup(int pid, int signal) => kill(-pid, signal) == 0;

    public static bool Send(int pid, int signal) => kill(pid, signal) == 0;

    public static bool IsAlive(int pid) => kill(pid, 0) == 0 || Marshal.GetLastPInvokeError() == 1 /* EPERM: exists */;
}
