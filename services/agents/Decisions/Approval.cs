using AgentCloud.Agents.Model;

namespace AgentCloud.Agents.Decisions;

/// <summary>A person's decision on one proposed tool call (the approvals row).</summary>
public sealed class Approval : ITenantOwned
{
    public Guid Id { get; set; }
    public Guid TenantId { get; set; }
    public Guid RunId { get; set; }
    public Guid RootRunId { get; set; }
    public Guid StepId { get; set; }
    public Guid SessionId { get; set; }
    public Guid AgentId { get; set; }
    public Guid RequestedBy { get; set; }
    public Guid AgentOwnerId { get; set; }
    public Guid? AgentTeamId { get; set; }
    public required string AgentScope { get; set; }
    public required string ToolKey { get; set; }
    public required string DecisionLevel { get; set; }
    public required string Arguments { get; set; }
    public string? Reasoning { get; set; }
    public float? Confidence { get; set; }
    public required string Status { get; set; }
    public DateTimeOffset RequestedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public Guid? DecidedBy { get; set; }
    public DateTimeOffset? DecidedAt { get; set; }
    public string? EditedArguments { get; set; }
    public string? Reason { get; set; }
}
