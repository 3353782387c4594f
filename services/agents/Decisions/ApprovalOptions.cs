namespace AgentCloud.Agents.Decisions;

/// <summary>Configuration section <c>Approvals</c>.</summary>
public sealed class ApprovalOptions
{
    public const string Section = "Approvals";

    /// <summary>How long a proposed action waits for a person (default one day).</summary>
    public TimeSpan Expiry { get; set; } = TimeSpan.FromHours(24);

    /// <summary><c>reject</c> (default): an expired approval counts as a rejection, reported to the model, and the run
    /// goes on. <c>expire</c>: the run ends with status <c>expired</c>.</summary>
    public string OnExpiry { get; set; } = "reject";

    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(5);
}
