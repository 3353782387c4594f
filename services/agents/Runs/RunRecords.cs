using System.Text.Json.Nodes;

namespace AgentCloud.Agents.Runs;

public static class RunStatuses
{
    public const string Queued = "queued";
    public const string Running = "running";
    public const string RequiresApproval = "requires_approval";
    public const string Completed = "completed";
    public const string Failed = "failed";
    public const string Cancelled = "cancelled";
    public const string Expired = "expired";

    public static bool IsFinal(string status) => status is Completed or Failed or Cancelled or Expired;
}

public static class StepKinds
{
    public const string ModelCall = "model_call";
    public const string ToolCall = "tool_call";
    public const string Summary = "summary";
    public const string Error = "error";
}

public static class StepStatuses
{
    public const string Completed = "completed";
    public const string Pending = "pending";
    public const string AwaitingApproval = "awaiting_approval";
    public const string Approved = "approved";
    public const string Rejected = "rejected";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
    public const string Unknown = "unknown";

    /// <summary>A tool step in one of these still has to be executed.</summary>
    public static bool IsOpen(string status) => status is Pending or Approved;
}

/// <summary>A run as a worker holds it while executing (the row in <c>runs</c>).</summary>
public sealed record RunRecord(
    Guid Id, Guid TenantId, Guid SessionId, Guid AgentId, int AgentVersion, Guid UserId, Guid? LocationId,
    Guid? ParentRunId, Guid RootRunId, int Depth, string InputKind, JsonObject Input, string? Origin, string? TraceParent,
    DateTimeOffset CreatedAt)
{
    public Guid? InputMessageId => Guid.TryParse(Input["messageId"]?.GetValue<string>(), out var id) ? id : null;

    public string InputText => Input["message"]?.GetValue<string>() ?? "";
}

/// <summary>One persisted step. <see cref="Data"/> holds the kind's details (see services/agents/README.md).</summary>
public sealed class StepRecord
{
    public Guid Id { get; init; }
    public int Seq { get; init; }
    public required string Kind { get; init; }
    public required string Status { get; set; }
    public string? ToolKey { get; init; }
    public string? CallId { get; init; }
    public string? DecisionLevel { get; init; }
    public JsonObject Data { get; init; } = [];
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? CompletedAt { get; set; }
}

/// <summary>A message of the conversation as the context builder reads it.</summary>
public sealed record HistoryMessage(Guid Id, long Seq, string Role, string Content, JsonArray? ToolCalls, JsonArray? ToolResults, int TokenCount);

/// <summary>What a claim hands a worker: the run and the fencing token its writes must carry.</summary>
public sealed record ClaimedRun(Guid RunId, long Fencing, Guid AgentId, int AgentVersion);

/// <summary>Ids kept as strings in a step's JSON data.</summary>
public static class JsonIds
{
    public static Guid? Of(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) && Guid.TryParse(text, out var id) ? id : null;
}
