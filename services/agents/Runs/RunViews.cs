using System.Text.Json.Nodes;

namespace AgentCloud.Agents.Runs;

public sealed record StepView(Guid Id, int Seq, string Kind, string Status, string? ToolKey, string? CallId, string? DecisionLevel, JsonNode? Data,
    DateTimeOffset CreatedAt, DateTimeOffset? CompletedAt)
{
    public static StepView From(RunStep s) =>
        new(s.Id, s.Seq, s.Kind, s.Status, s.ToolKey, s.CallId, s.DecisionLevel, JsonNode.Parse(s.Data), s.CreatedAt, s.CompletedAt);
}

public sealed record RunView(
    Guid Id, Guid SessionId, Guid AgentId, int AgentVersion, Guid UserId, Guid? LocationId, Guid? ParentRunId, Guid RootRunId, int Depth,
    string InputKind, string Status, string? StatusMessage, string? ErrorCode, long InputTokens, long OutputTokens, int ModelCalls, int ToolCalls,
    long TokensCharged, bool UsingStub, Guid? ResponseMessageId, string? TraceId, DateTimeOffset CreatedAt, DateTimeOffset? StartedAt,
    DateTimeOffset? CompletedAt, List<StepView>? Steps)
{
    public static RunView From(Run r, List<StepView>? steps) => new(r.Id, r.SessionId, r.AgentId, r.AgentVersion, r.UserId, r.LocationId, r.ParentRunId,
        r.RootRunId, r.Depth, r.InputKind, r.Status, r.StatusMessage, r.ErrorCode, r.InputTokens, r.OutputTokens, r.ModelCalls, r.ToolCalls,
        r.TokensCharged, r.UsingStub, r.ResponseMessageId, TraceIdOf(r.TraceParent), r.CreatedAt, r.StartedAt, r.CompletedAt, steps);

    static string? TraceIdOf(string? traceParent) => traceParent?.Split('-') is [_, var trace, ..] ? trace : null;
}
