using AgentCloud.Agents.Model;

namespace AgentCloud.Agents.Runs;

/// <summary>The runs row, as the APIs read it (workers use <see cref="RunStore"/>).</summary>
public sealed class Run : ITenantOwned
{
    public Guid Id { get; set; }
    public Guid TenantId { get; set; }
    public Guid SessionId { get; set; }
    public Guid AgentId { get; set; }
    public int AgentVersion { get; set; }
    public Guid UserId { get; set; }
    public Guid? LocationId { get; set; }
    public Guid? ParentRunId { get; set; }
    public Guid RootRunId { get; set; }
    public int Depth { get; set; }
    public required string InputKind { get; set; }
    public required string Input { get; set; }
    public required string Status { get; set; }
    public string? StatusMessage { get; set; }
    public string? ErrorCode { get; set; }
    public long InputTokens { get; set; }
    public long OutputTokens { get; set; }
    public int ModelCalls { get; set; }
    public int ToolCalls { get; set; }
    public long TokensCharged { get; set; }
    public bool UsingStub { get; set; }
    public Guid? ResponseMessageId { get; set; }
    public string? TraceParent { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }
}

public sealed class RunStep : ITenantOwned
{
    public Guid Id { get; set; }
    public Guid RunId { get; set; }
    public Guid TenantId { get; set; }
    public int Seq { get; set; }
    public required string Kind { get; set; }
    public required string Status { get; set; }
    public string? ToolKey { get; set; }
    public string? CallId { get; set; }
    public string? DecisionLevel { get; set; }
    public required string Data { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }
}
