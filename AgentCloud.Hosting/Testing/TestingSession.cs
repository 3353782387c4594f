using AgentCloud.Hosting.Orchestration;

namespace AgentCloud.Hosting.Testing;

/// <summary>
/// Set while the testing entry point runs the AppHost's Program: CreateBuilder picks it up (throw-away state folder,
/// free ports, no console output) and Run() hands the built application back instead of blocking.
/// </summary>
public sealed class TestingSession
{
    static readonly AsyncLocal<TestingSession?> CurrentSession = new();

    internal static TestingSession? Current => CurrentSession.Value;

    public string StateFolder { get; } = CreateStateFolder();

    public bool DeleteStateFolder { get; init; } = true;

    public Dictionary<string, string?> Configuration { get; init; } = [];

    internal ResourceLog Log { get; } = new("apphost", null);

    internal DistributedApplication? Application { get; set; }

    internal IDisposable Enter()
    {
        CurrentSession.Value = this;
        return new Exit();
    }

    sealed class Exit : IDisposable
    {
        public void Dispose() => CurrentSession.Value = null;
    }

    static string CreateStateFolder()
    {
        var folder = Path.Combine(Path.GetTempPath(), $"agentcloud-test-{Guid.NewGuid():N}"[..28]);
        Directory.CreateDirectory(folder);
        // PostgreSQL runs as its own user when we are root; it must be able to reach its data folder.
        File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        return folder;
    }

    internal static void DeleteFolder(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException e)
        {
            Console.Error.WriteLine($"Could not delete test state folder {folder}: {e.Message}");
        }
    }
}
