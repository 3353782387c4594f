namespace AgentCloud.Credentials.Model;

/// <summary>Re-wrapping every tenant data key under master key <see cref="TargetVersion"/>.</summary>
public sealed class MasterKeyRotation
{
    public Guid Id { get; set; }
    public int TargetVersion { get; set; }
    public required string Status { get; set; }
    public int Total { get; set; }
    public int Rewrapped { get; set; }
    public int Failed { get; set; }
    public string? LastError { get; set; }
    public required string RequestedBy { get; set; }
    public DateTimeOffset StartedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
}

public static class RotationStatus
{
    public const string Running = "running";
    public const string Completed = "completed";
    public const string CompletedWithErrors = "completed_with_errors";
}
