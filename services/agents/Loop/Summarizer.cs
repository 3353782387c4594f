using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using AgentCloud.Agents.Models;
using AgentCloud.Agents.Runs;
using AgentCloud.Contracts.Billing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;

namespace AgentCloud.Agents.Loop;

/// <summary>
/// Seed 001's summarize node: when at least <see cref="RuntimeOptions.SummarizeAfterMessages"/> messages have fallen out
/// of the agent's history window without being summarized, the run's first step folds them (and the previous summary)
/// into the conversation's summary with one model call, paid like any other. The summary is kept on the conversation
/// and shown in the system prompt.
/// </summary>
public sealed class Summarizer(RunStore store, RunWriter writer, IAgentChatClientFactory models, BillingClient billing, BillingSettlements settlements,
    TokenCounter tokens, IOptions<RuntimeOptions> options, TimeProvider time)
{
    const int MaxCharsPerMessage = 2_000;

    public bool IsDue(RunState state) =>
        state.Snapshot.History.Count > 0
        && state.Snapshot.UnsummarizedMessages - state.Snapshot.History.Count >= options.Value.SummarizeAfterMessages;

    public async Task SummarizeAsync(RunState state, CancellationToken cancellationToken)
    {
        using var span = RuntimeTelemetry.StartStep(StepKinds.Summary, state.NextSeq);
        var windowStart = state.Snapshot.History[0].Seq;
        var older = await store.LoadUnsummarizedAsync(state.Run.SessionId, state.Snapshot.SummarizedThrough, windowStart, cancellationToken);
        if (older.Count == 0)
        {
            return;
        }
        var transcript = new StringBuilder();
        foreach (var message in older)
        {
            var text = message.Content.Length <= MaxCharsPerMessage ? message.Content : message.Content[..MaxCharsPerMessage] + "…";
            transcript.Append(message.Role).Append(": ").Append(text).Append('\n');
        }
        var prompt = new List<ChatMessage>
        {
            new(ChatRole.System, """
                You keep the memory of a long conversation. Write a concise summary of it for your own later use: facts about the
                user, decisions, open tasks and anything promised. Plain sentences, at most 200 words.
                """),
            new(ChatRole.User, $"Summary so far:\n{state.Summary ?? "(none)"}\n\nMessages to add:\n{transcript}"),
        };
        var hold = await billing.HoldAsync(new PlaceHoldRequest(state.Run.TenantId, OperationTypes.InternalApiLlm,
            $"summary:{state.Run.Id}:{state.NextSeq}", state.Run.LocationId, 1, state.Run.UserId, state.Run.RootRunId.ToString(), "summary"),
            cancellationToken);
        var client = await models.GetClientAsync(state.Agent.ModelSettings, new ModelCall(state.Run.TenantId, state.Run.Id, state.NextSeq), cancellationToken);
        var started = Stopwatch.GetTimestamp();
        ChatResponse response;
        try
        {
            response = await client.GetResponseAsync(prompt, new ChatOptions { ModelId = state.Agent.ModelSettings.Model, MaxOutputTokens = 400 },
                cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw new RunStoppedException("model_error", "The model failed while summarizing the conversation.", e);
        }
        settlements.Commit(hold.HoldId);
        var summary = response.ModelId == OfflineChatClient.ModelName ? OfflineSummary(state.Summary, older) : response.Text.Trim();
        var usage = new UsageDelta(response.Usage?.InputTokenCount ?? tokens.Count(prompt[1].Text), response.Usage?.OutputTokenCount ?? tokens.Count(summary),
            1, 0, hold.Amount, response.ModelId == OfflineChatClient.ModelName);
        var step = new StepRecord
        {
            Id = Guid.CreateVersion7(), Seq = state.NextSeq, Kind = StepKinds.Summary, Status = StepStatuses.Completed,
            CreatedAt = time.GetUtcNow(), CompletedAt = time.GetUtcNow(),
            Data = new JsonObject
            {
                ["messages"] = older.Count, ["throughSeq"] = older[^1].Seq, ["model"] = response.ModelId, ["inputTokens"] = usage.InputTokens,
                ["outputTokens"] = usage.OutputTokens, ["latencyMs"] = Stopwatch.GetElapsedTime(started).TotalMilliseconds,
                ["usingStub"] = usage.UsingStub, ["tokensCharged"] = hold.Amount,
                ["fallback"] = FallbackChatClient.Read(response, FallbackChatClient.FallbackProperty),
                ["credentialId"] = FallbackChatClient.Read(response, FallbackChatClient.CredentialProperty),
            },
        };
        await using var batch = writer.Begin(state);
        RunWriter.InsertStep(batch, state, step);
        RunWriter.AddUsage(batch, state, usage);
        batch.Add("UPDATE agent_sessions SET summary = $2, summarized_through = $3 WHERE id = $1", state.Run.SessionId, summary, older[^1].Seq);
        await batch.ExecuteAsync(cancellationToken);
        state.Steps.Add(step);
        state.Summary = summary;
    }

    /// <summary>The offline model cannot summarize: it keeps the previous summary and the first words of each message.</summary>
    static string OfflineSummary(string? previous, List<HistoryMessage> older)
    {
        var lines = older.Select(m => $"{m.Role}: {(m.Content.Length <= 80 ? m.Content : m.Content[..80] + "…")}");
        var text = string.Join('\n', new[] { previous ?? "" }.Concat(lines).Where(l => l.Length > 0));
        return text.Length <= 4_000 ? text : text[^4_000..];
    }
}
