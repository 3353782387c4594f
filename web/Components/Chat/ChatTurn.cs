using System.Text;
using System.Text.Json;
using AgentCloud.Web.Services;

namespace AgentCloud.Web.Components.Chat;

/// <summary>One tool call of a turn, as the run's steps or the answer message tell it.</summary>
public sealed class ToolCall
{
    public required string Id { get; init; }
    public required string Tool { get; set; }
    public string Status { get; set; } = "pending";
    public string? DecisionLevel { get; set; }
    public JsonElement? Arguments { get; set; }
    public JsonElement? Result { get; set; }
    public string? Reasoning { get; set; }
    public double? Confidence { get; set; }
    public IReadOnlyList<string> Reasons { get; set; } = [];

    public bool AwaitsApproval => Status == "awaiting_approval";

    public bool Failed => Status is "failed" or "rejected" or "unknown";
}

/// <summary>
/// A message and what the agent did with it: its tool calls, the answer (streamed while the run goes on), whether the
/// offline model answered, and how the run ended. Built from the conversation's messages and runs, and from a run's
/// events while it is followed live.
/// </summary>
public sealed class ChatTurn
{
    public Guid? RunId { get; set; }
    public string? Role { get; init; }
    public string Text { get; init; } = "";
    public StringBuilder Answer { get; } = new();
    public List<ToolCall> ToolCalls { get; } = [];
    public string Status { get; set; } = "completed";
    public string? Error { get; set; }
    public bool UsingStub { get; set; }
    public string? LastEventId { get; set; }
    public DateTimeOffset At { get; init; }

    public bool IsLive => Status is "queued" or "running";

    public bool AwaitsApproval => Status == "requires_approval";

    public static bool IsFinal(string status) => status is "completed" or "failed" or "cancelled" or "expired";

    /// <summary>The conversation as turns: each user message with the answer of its run.</summary>
    public static List<ChatTurn> From(IEnumerable<MessageItem> messages, IReadOnlyDictionary<Guid, RunItem> runs)
    {
        var turns = new List<ChatTurn>();
        foreach (var message in messages)
        {
            var turn = message.Role == "assistant" ? turns.LastOrDefault(t => t.RunId == message.RunId && t.Answer.Length == 0) : null;
            if (turn is null)
            {
                turn = new ChatTurn { RunId = message.RunId, Role = message.Role, Text = message.Role == "assistant" ? "" : message.Content, At = message.Timestamp };
                turns.Add(turn);
            }
            if (message.Role == "assistant")
            {
                turn.Answer.Append(message.Content);
                turn.AddToolCalls(message.ToolCalls, message.ToolResults);
            }
            if (message.RunId is { } runId && runs.TryGetValue(runId, out var run))
            {
                turn.Apply(run);
            }
        }
        return turns;
    }

    public void Apply(RunItem run)
    {
        Status = run.Status;
        UsingStub |= run.UsingStub;
        Error = run.Status is "failed" or "cancelled" or "expired" ? run.StatusMessage ?? $"The run ended {run.Status}." : null;
        foreach (var step in run.Steps ?? [])
        {
            ApplyStep(step);
        }
    }

    /// <summary>A run event: a step (tool call or model call), streamed model text, or the run's status.</summary>
    public void Apply(RunEvent item)
    {
        LastEventId = item.Type == "token" ? LastEventId : item.Id;
        switch (item.Type)
        {
            case "token":
                Answer.Append(item.Data.GetProperty("text").GetString());
                break;
            case "step":
                ApplyStep(item.Data.Deserialize<StepItem>(JsonSerializerOptions.Web)!);
                break;
            case "status":
                Status = item.Data.GetProperty("status").GetString()!;
                if (Status is "failed" or "cancelled" or "expired")
                {
                    Error = item.Data.TryGetProperty("statusMessage", out var message) && message.GetString() is { } text ? text : $"The run ended {Status}.";
                }
                break;
        }
    }

    void ApplyStep(StepItem step)
    {
        if (step.Kind == "model_call")
        {
            UsingStub |= step.Data is { } model && model.TryGetProperty("usingStub", out var stub) && stub.ValueKind == JsonValueKind.True;
            return;
        }
        if (step.Kind != "tool_call")
        {
            return;
        }
        var call = ToolCalls.FirstOrDefault(c => c.Id == step.Id.ToString());
        if (call is null)
        {
            call = new ToolCall { Id = step.Id.ToString(), Tool = step.ToolKey ?? "tool" };
            ToolCalls.Add(call);
        }
        call.Status = step.Status;
        call.DecisionLevel = step.DecisionLevel;
        if (step.Data is { } data)
        {
            call.Arguments = Property(data, "approvedArguments") ?? Property(data, "arguments");
            call.Result = Property(data, "result");
            call.Reasoning = Property(data, "reasoning")?.GetString();
            call.Confidence = Property(data, "confidence") is { ValueKind: JsonValueKind.Number } c ? c.GetDouble() : null;
            call.Reasons = Property(data, "reasons") is { ValueKind: JsonValueKind.Array } r ? [.. r.EnumerateArray().Select(x => x.GetString() ?? "")] : [];
        }
    }

    void AddToolCalls(JsonElement? calls, JsonElement? results)
    {
        foreach (var c in calls is { ValueKind: JsonValueKind.Array } list ? list.EnumerateArray() : default)
        {
            var id = Property(c, "id")?.GetString() ?? Guid.NewGuid().ToString();
            var result = results is { ValueKind: JsonValueKind.Array } all
                ? all.EnumerateArray().FirstOrDefault(r => Property(r, "id")?.GetString() == id)
                : default;
            ToolCalls.Add(new ToolCall
            {
                Id = id,
                Tool = Property(c, "name")?.GetString() ?? "tool",
                Arguments = Property(c, "arguments"),
                Status = result.ValueKind == JsonValueKind.Object ? Property(result, "status")?.GetString() ?? "succeeded" : "succeeded",
                Result = result.ValueKind == JsonValueKind.Object ? Property(result, "result") : null,
            });
        }
    }

    static JsonElement? Property(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;
}
