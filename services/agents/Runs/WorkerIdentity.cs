namespace AgentCloud.Agents.Runs;

/// <summary>This replica's name on leases (<c>{host}-{pid}-{random}</c>) and as the origin of the runs it queues.</summary>
public sealed class WorkerIdentity
{
    public string Id { get; } = $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..6]}";
}
