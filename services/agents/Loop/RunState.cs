using System.Diagnostics;
using AgentCloud.Agents.Agents;
using AgentCloud.Agents.Runs;

namespace AgentCloud.Agents.Loop;

/// <summary>A run while a worker executes it: what was loaded, plus the steps written since.</summary>
public sealed class RunState(RunSnapshot snapshot, AgentDefinition agent, long fencing)
{
    public RunRecord Run => snapshot.Run;
    public RunSnapshot Snapshot => snapshot;
    public AgentDefinition Agent => agent;
    public long Fencing => fencing;
    public IReadOnlyDictionary<string, RuntimeTool> Tools { get; set; } = new Dictionary<string, RuntimeTool>();

    /// <summary>The run's totals as persisted, kept current by <see cref="RunWriter.AddUsage"/>.</summary>
    public UsageDelta Totals { get; set; } = snapshot.Totals;
    public List<StepRecord> Steps => snapshot.Steps;
    public string? Summary { get; set; } = snapshot.Summary;
    public Activity? Activity { get; set; }

    /// <summary>The call context minted for this execution's tool calls (see <see cref="CallContexts"/>).</summary>
    public (string Token, DateTimeOffset IssuedAt)? CallContext { get; set; }

    public int ModelCalls => Steps.Count(s => s.Kind == StepKinds.ModelCall);

    public int NextSeq => Steps.Count == 0 ? 1 : Steps[^1].Seq + 1;

    /// <summary>Tool steps proposed by the last model call that still have to run (pending or approved).</summary>
    public IEnumerable<StepRecord> OpenToolSteps() => Steps.Where(s => s.Kind == StepKinds.ToolCall && StepStatuses.IsOpen(s.Status));

    public bool AwaitsApproval => Steps.Any(s => s.Kind == StepKinds.ToolCall && s.Status == StepStatuses.AwaitingApproval);
}

/// <summary>What a write adds to the run's totals.</summary>
public readonly record struct UsageDelta(long InputTokens = 0, long OutputTokens = 0, int ModelCalls = 0, int ToolCalls = 0, long TokensCharged = 0, bool UsingStub = false)
{
    public static UsageDelta operator +(UsageDelta a, UsageDelta b) => new(a.InputTokens + b.InputTokens, a.OutputTokens + b.OutputTokens,
        a.ModelCalls + b.ModelCalls, a.ToolCalls + b.ToolCalls, a.TokensCharged + b.TokensCharged, a.UsingStub || b.UsingStub);
}
