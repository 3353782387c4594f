using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgentCloud.Agents.Agents;
using AgentCloud.Agents.Runs;
using Microsoft.Extensions.AI;

namespace AgentCloud.Agents.Loop;

/// <summary>What the context holds and what ensure_limit had to leave out (recorded on the model-call step).</summary>
public sealed record ContextReport(int Tokens, int Budget, int HistoryMessages, int DroppedMessages, int TruncatedResults, bool SummaryDropped, bool FactsDropped);

/// <summary>
/// The model's context for one call (seed 001 assistant node, after ensure_limit): the rendered system prompt with the
/// user's facts and the conversation summary, the newest history messages that fit, the current message, and this
/// run's own calls and results. Budget = the agent's context budget minus its max output tokens, counting the tools'
/// schemas too. Over budget, ensure_limit drops the oldest history first, then shortens this run's largest tool
/// results, then drops the summary, then the facts; the system prompt and the current message are never dropped. If
/// even that does not fit, the run stops (context_budget_exceeded).
/// </summary>
public sealed class ContextBuilder(TokenCounter tokens, TimeProvider time)
{
    const int TruncatedResultChars = 2_000;

    public (List<ChatMessage> Messages, ContextReport Report) Build(RunState state)
    {
        var agent = state.Agent;
        var settings = agent.ModelSettings;
        var budget = settings.ContextBudget - settings.MaxOutputTokens;
        var toolTokens = state.Tools.Values.Sum(t => tokens.Count(t.Name) + tokens.Count(t.Description) + tokens.Count(t.Parameters.GetRawText()));

        var inputId = state.Run.InputMessageId;
        var history = state.Snapshot.History;
        var currentIndex = inputId is { } id ? history.FindIndex(m => m.Id == id) : -1;
        var earlier = currentIndex >= 0 ? history[..currentIndex] : history;
        var current = currentIndex >= 0 ? ToChat(history[currentIndex]) : [new ChatMessage(ChatRole.User, state.Run.InputText)];
        var inRun = InRunMessages(state);

        var (useSummary, useFacts) = (true, true);
        var dropped = 0;
        var truncated = 0;
        int Total(string system) =>
            Count(system) + toolTokens + current.Sum(Count) + inRun.Sum(Count) + earlier.Skip(dropped).Sum(m => m.TokenCount + TokenCounter.MessageOverhead);

        var system = SystemPrompt(state, useSummary, useFacts);
        while (Total(system) > budget && dropped < earlier.Count)
        {
            dropped++;
        }
        while (Total(system) > budget && Truncate(inRun))
        {
            truncated++;
        }
        if (Total(system) > budget && state.Summary is { Length: > 0 })
        {
            system = SystemPrompt(state, useSummary = false, useFacts);
        }
        if (Total(system) > budget && state.Snapshot.Facts.Count > 0)
        {
            system = SystemPrompt(state, useSummary, useFacts = false);
        }
        var total = Total(system);
        if (total > budget)
        {
            throw new RunStoppedException("context_budget_exceeded",
                $"The system prompt, tools and current message need {total} tokens; the agent's budget leaves {budget}.");
        }

        var messages = new List<ChatMessage> { new(ChatRole.System, system) };
        messages.AddRange(earlier.Skip(dropped).SelectMany(ToChat));
        messages.AddRange(current);
        messages.AddRange(inRun);
        var kept = earlier.Count - dropped;
        return (messages, new ContextReport(total, budget, kept, dropped, truncated, !useSummary && state.Summary is { Length: > 0 },
            !useFacts && state.Snapshot.Facts.Count > 0));
    }

    string SystemPrompt(RunState state, bool withSummary, bool withFacts)
    {
        var agent = state.Agent;
        var run = state.Run;
        var names = state.Snapshot.Names;
        var zone = TimeZoneInfo.TryFindSystemTimeZoneById(agent.ModelSettings.Timezone, out var found) ? found : TimeZoneInfo.Utc;
        var now = TimeZoneInfo.ConvertTime(time.GetUtcNow(), zone);
        var facts = withFacts ? string.Join('\n', state.Snapshot.Facts.Select(f => "- " + f)) : "";
        var summary = withSummary ? state.Summary ?? "" : "";
        var values = new Dictionary<string, string>
        {
            ["user.id"] = run.UserId.ToString(), ["user.name"] = names.UserName ?? "the user", ["user.email"] = names.UserEmail ?? "",
            ["tenant.id"] = run.TenantId.ToString(), ["tenant.name"] = names.TenantName ?? "", ["location.id"] = run.LocationId?.ToString() ?? "",
            ["location.name"] = names.LocationName ?? "", ["agent.name"] = agent.Name, ["conversation.id"] = run.SessionId.ToString(),
            ["now"] = now.ToString("yyyy-MM-dd HH:mm zzz"), ["now.date"] = now.ToString("yyyy-MM-dd"), ["now.time"] = now.ToString("HH:mm"),
            ["timezone"] = zone.Id, ["facts"] = facts, ["summary"] = summary,
        };
        var prompt = new StringBuilder(InstructionTemplate.Render(agent.Instructions, values));
        if (!InstructionTemplate.Mentions(agent.Instructions, "facts"))
        {
            InstructionTemplate.AppendSection(prompt, "Facts you remember about the user:", facts);
        }
        if (!InstructionTemplate.Mentions(agent.Instructions, "summary"))
        {
            InstructionTemplate.AppendSection(prompt, "Summary of the earlier conversation:", summary);
        }
        if (run.Input["context"] is JsonObject context)
        {
            InstructionTemplate.AppendSection(prompt, "Context given with this request (JSON):", context.ToJsonString());
        }
        return prompt.ToString();
    }

    int Count(string text) => tokens.Count(text) + TokenCounter.MessageOverhead;

    int Count(ChatMessage message) => TokenCounter.MessageOverhead + message.Contents.Sum(c => c switch
    {
        TextContent text => tokens.Count(text.Text),
        FunctionCallContent call => tokens.Count(call.Name) + tokens.Count(JsonSerializer.Serialize(call.Arguments)),
        FunctionResultContent result => tokens.Count(result.Result?.ToString()),
        _ => 0,
    });

    /// <summary>Shortens the largest tool result not yet shortened; false when none is left.</summary>
    static bool Truncate(List<ChatMessage> inRun)
    {
        var largest = inRun.SelectMany(m => m.Contents).OfType<FunctionResultContent>()
            .Where(r => r.Result is string s && s.Length > TruncatedResultChars + 100)
            .MaxBy(r => ((string)r.Result!).Length);
        if (largest is null)
        {
            return false;
        }
        largest.Result = ((string)largest.Result!)[..TruncatedResultChars] + " …[truncated to fit the context]";
        return true;
    }

    /// <summary>A stored message as chat messages: an assistant turn that used tools becomes its calls, their results, then its text.</summary>
    static List<ChatMessage> ToChat(HistoryMessage message)
    {
        var role = message.Role switch { "assistant" => ChatRole.Assistant, "tool" => ChatRole.Tool, "system" => ChatRole.System, _ => ChatRole.User };
        if (message.Role == "tool")
        {
            // A tool-role message that is not a result of a call of ours (e.g. a reminder firing) reads as a note.
            return [new ChatMessage(ChatRole.User, "[event] " + message.Content)];
        }
        if (role != ChatRole.Assistant || message.ToolCalls is not { Count: > 0 } calls)
        {
            return [new ChatMessage(role, message.Content)];
        }
        var results = message.ToolResults ?? [];
        var chat = new List<ChatMessage>
        {
            new(ChatRole.Assistant, [.. calls.OfType<JsonObject>().Select(c => (AIContent)new FunctionCallContent(
                (string?)c["id"] ?? "", (string?)c["name"] ?? "", Arguments(c["arguments"])))]),
            new(ChatRole.Tool, [.. calls.OfType<JsonObject>().Select(c => (AIContent)new FunctionResultContent((string?)c["id"] ?? "",
                results.OfType<JsonObject>().FirstOrDefault(r => (string?)r["id"] == (string?)c["id"])?.ToJsonString() ?? "{}"))]),
        };
        if (message.Content.Length > 0)
        {
            chat.Add(new ChatMessage(ChatRole.Assistant, message.Content));
        }
        return chat;
    }

    /// <summary>This run's model calls and tool results so far, rebuilt from its steps (so a resumed run sees the same).</summary>
    public static List<ChatMessage> InRunMessages(RunState state)
    {
        var messages = new List<ChatMessage>();
        foreach (var model in state.Steps.Where(s => s.Kind == StepKinds.ModelCall))
        {
            var calls = state.Steps.Where(s => s.Kind == StepKinds.ToolCall && (int?)s.Data["modelStep"] == model.Seq).ToList();
            if (calls.Count == 0)
            {
                continue;
            }
            var contents = new List<AIContent>();
            if ((string?)model.Data["text"] is { Length: > 0 } text)
            {
                contents.Add(new TextContent(text));
            }
            contents.AddRange(calls.Select(c => new FunctionCallContent(c.CallId ?? c.Id.ToString(), c.ToolKey ?? "", Arguments(c.Data["arguments"]))));
            messages.Add(new ChatMessage(ChatRole.Assistant, contents));
            var results = calls.Where(c => c.Data["result"] is not null)
                .Select(c => (AIContent)new FunctionResultContent(c.CallId ?? c.Id.ToString(), c.Data["result"]!.ToJsonString())).ToList();
            if (results.Count > 0)
            {
                messages.Add(new ChatMessage(ChatRole.Tool, results));
            }
        }
        return messages;
    }

    static Dictionary<string, object?>? Arguments(JsonNode? node) =>
        node is JsonObject o ? o.ToDictionary(p => p.Key, p => (object?)(p.Value is null ? null : JsonSerializer.SerializeToElement(p.Value))) : null;
}
