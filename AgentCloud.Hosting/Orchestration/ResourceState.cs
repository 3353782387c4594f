namespace AgentCloud.Hosting.Orchestration;

public enum ResourceState
{
    Waiting,
    Starting,
    Running,
    Restarting,
    Failed,
    Stopping,
    Stopped,
}

public sealed record ResourceSnapshot(string Name, ResourceState State, string Url, int? Pid, int Restarts);
