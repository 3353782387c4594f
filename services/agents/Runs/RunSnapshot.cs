namespace AgentCloud.Agents.Runs;

/// <summary>Everything a worker reads to (re)start a run: one round trip (<see cref="RunStore.LoadAsync"/>).</summary>
public sealed record RunSnapshot(
    RunRecord Run,
    List<StepRecord> Steps,
    List<HistoryMessage> History,
    string? Summary,
    long SummarizedThrough,
    int UnsummarizedMessages,
    List<string> Facts,
    RunNames Names,
    AgentCloud.Agents.Loop.UsageDelta Totals);

/// <summary>Display names the instructions template may use.</summary>
public sealed record RunNames(string? UserName, string? UserEmail, string? TenantName, string? LocationName);
