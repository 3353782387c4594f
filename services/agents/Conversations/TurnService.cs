using System.Diagnostics;
using System.Text.Json.Nodes;
using AgentCloud.Agents.Agents;
using AgentCloud.Agents.Infrastructure;
using AgentCloud.Agents.Loop;
using AgentCloud.Agents.Runs;
using AgentCloud.ServiceDefaults.Auth;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AgentCloud.Agents.Conversations;

/// <summary>A turn to queue; <paramref name="RunId"/> lets a caller follow the run's stream from before it starts.</summary>
public sealed record TurnRequest(Guid? AgentId, Guid? ConversationId, Guid? LocationId, string Message, JsonObject? Context, string InputKind,
    Guid? RunId = null);

public enum TurnOutcome { Queued, NotFound, Conflict }

public sealed record TurnStart(TurnOutcome Outcome, Guid RunId, Guid SessionId, Task<TurnResult?>? Stopped = null);

/// <summary>
/// What the chat endpoints share: resolve the agent and conversation the caller may use, queue the run under the
/// agent's double-texting policy, and wait for it (woken when it stops; a poll every PollInterval covers a run executed
/// on another replica whose NOTIFY was missed).
/// </summary>
public sealed class TurnService(
    AgentsDbContext db, AgentDefinitions definitions, DefaultAgents defaults, RunDispatcher dispatcher, RunSignals signals, RunStore store,
    RunCancellation cancellation, TokenCounter tokens, IOptions<RuntimeOptions> options)
{
    public async Task<TurnStart> StartAsync(Caller caller, TurnRequest request, CancellationToken cancellationToken)
    {
        var tenantId = caller.TenantId;
        var userId = caller.UserId!.Value;
        CurrentAgent? agent;
        var sessionId = request.ConversationId ?? Guid.CreateVersion7();
        if (request.ConversationId is { } conversationId)
        {
            var conversation = await db.Conversations.AsNoTracking()
                .Where(c => c.Id == conversationId && c.UserId == userId && c.ParentSessionId == null)
                .Select(c => new { c.AgentId }).FirstOrDefaultAsync(cancellationToken);
            if (conversation is null || (request.AgentId is { } named && named != conversation.AgentId))
            {
                return new TurnStart(TurnOutcome.NotFound, Guid.Empty, sessionId);
            }
            agent = await definitions.FindCurrentAsync(tenantId, conversation.AgentId, cancellationToken);
        }
        else
        {
            agent = request.AgentId is { } agentId
                ? await definitions.FindCurrentAsync(tenantId, agentId, cancellationToken)
                : await defaults.GetAsync(tenantId, userId, cancellationToken);
        }
        if (agent is null || !AgentAccess.CanSee(caller, agent))
        {
            return new TurnStart(TurnOutcome.NotFound, Guid.Empty, sessionId);
        }

        var runId = request.RunId ?? Guid.CreateVersion7();
        var input = new JsonObject
        {
            ["message"] = request.Message,
            ["messageId"] = Guid.CreateVersion7().ToString(),
            ["role"] = "user",
            ["tokens"] = tokens.Count(request.Message) + TokenCounter.MessageOverhead,
        };
        if (request.Context is not null)
        {
            input["context"] = request.Context;
        }
        var title = request.Message.Length <= 60 ? request.Message : request.Message[..60] + "…";
        var stopped = signals.Watch(runId);
        var result = await dispatcher.EnqueueAsync(new EnqueueCommand(runId, tenantId, sessionId, agent.Id, agent.Version, userId, request.LocationId,
            title, request.InputKind, input, agent.Definition.DoubleTexting, null, Activity.Current?.Id), cancellationToken);
        await cancellation.PublishInterruptedAsync(result.Interrupted, cancellationToken);
        if (result.Outcome != "claimed" && result.Outcome != "queued")
        {
            signals.Forget(runId);
            return new TurnStart(result.Outcome == "conflict" ? TurnOutcome.Conflict : TurnOutcome.NotFound, runId, sessionId);
        }
        return new TurnStart(TurnOutcome.Queued, runId, sessionId, stopped);
    }

    /// <summary>The run's outcome once it stopped (finished or paused), or null when <paramref name="timeout"/> passed first.</summary>
    public async Task<TurnResult?> WaitAsync(Guid runId, Task<TurnResult?>? stopped, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        try
        {
            while (true)
            {
                var watch = stopped ?? signals.Watch(runId);
                stopped = null;
                var left = TimeSpan.FromSeconds((deadline - Stopwatch.GetTimestamp()) / (double)Stopwatch.Frequency);
                var slice = left < options.Value.PollInterval ? left : options.Value.PollInterval;
                if (slice > TimeSpan.Zero)
                {
                    try
                    {
                        if (await watch.WaitAsync(slice, cancellationToken) is { } known)
                        {
                            return known;
                        }
                    }
                    catch (TimeoutException)
                    {
                        // poll below
                    }
                }
                var status = await store.ReadStatusAsync(runId, cancellationToken);
                if (RunStatuses.IsFinal(status.Status) || status.Status == RunStatuses.RequiresApproval)
                {
                    return await LoadResultAsync(runId, cancellationToken);
                }
                if (slice <= TimeSpan.Zero || Stopwatch.GetTimestamp() >= deadline)
                {
                    return null;
                }
            }
        }
        finally
        {
            signals.Forget(runId);
        }
    }

    /// <summary>The turn's outcome read back from agentsdb (when the worker's own account did not reach this replica).</summary>
    public async Task<TurnResult> LoadResultAsync(Guid runId, CancellationToken cancellationToken)
    {
        var run = await db.Runs.IgnoreQueryFilters().AsNoTracking().FirstAsync(r => r.Id == runId, cancellationToken);
        var message = run.ResponseMessageId is { } id
            ? await db.Messages.IgnoreQueryFilters().AsNoTracking().FirstOrDefaultAsync(m => m.Id == id, cancellationToken)
            : null;
        var steps = await db.RunSteps.IgnoreQueryFilters().AsNoTracking().Where(s => s.RunId == runId && s.Kind == StepKinds.ToolCall)
            .OrderBy(s => s.Seq).ToListAsync(cancellationToken);
        var (calls, results) = RunExecutor.ToolCallsOf(steps.Select(s => new StepRecord
        {
            Id = s.Id, Seq = s.Seq, Kind = s.Kind, Status = s.Status, ToolKey = s.ToolKey, CallId = s.CallId, DecisionLevel = s.DecisionLevel,
            Data = JsonNode.Parse(s.Data)!.AsObject(), CreatedAt = s.CreatedAt, CompletedAt = s.CompletedAt,
        }));
        return new TurnResult(run.Status, message?.Id, message?.Content ?? run.StatusMessage ?? "", message?.Timestamp ?? run.CompletedAt ?? run.CreatedAt,
            calls, results, run.UsingStub, run.ErrorCode, run.StatusMessage);
    }
}
