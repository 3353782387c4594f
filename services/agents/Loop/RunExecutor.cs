using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgentCloud.Agents.Agents;
using AgentCloud.Agents.Decisions;
using AgentCloud.Agents.Models;
using AgentCloud.Agents.Runs;
using AgentCloud.Contracts.Agents;
using AgentCloud.Contracts.Billing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;

namespace AgentCloud.Agents.Loop;

/// <summary>
/// Executes a claimed run: seed 001's graph summarize → ensure_limit → assistant → tools, as a loop over persisted
/// steps. Every iteration starts from what is persisted (open tool steps first), so a run resumed by another worker
/// continues exactly where the dead one stopped. A model call's result (its text, proposed calls and their decision
/// levels) is persisted before any of those calls is acted on; a tool's result is persisted before the next model call.
/// </summary>
public sealed class RunExecutor(
    RunStore store, RunWriter writer, AgentDefinitions definitions, ToolSetBuilder toolSets, ContextBuilder contexts, Summarizer summarizer,
    IAgentChatClientFactory models, BillingClient billing, BillingSettlements settlements, ToolStepRunner toolRunner, RunSignals signals,
    TokenCounter tokens, IOptions<RuntimeOptions> options, IOptions<ApprovalOptions> approvals, TimeProvider time, ILogger<RunExecutor> logger)
{
    /// <summary>Runs until the run stops (finished or paused); returns how it stopped, or null when it lost its lease.</summary>
    public async Task<TurnResult?> ExecuteAsync(ClaimedRun claim, CancellationToken cancellationToken)
    {
        var agent = await definitions.GetAsync(claim.AgentId, claim.AgentVersion, cancellationToken);
        var snapshot = await store.LoadAsync(claim.RunId, agent.ModelSettings.HistoryWindow, cancellationToken);
        var state = new RunState(snapshot, agent, claim.Fencing);
        using var activity = state.Activity = RuntimeTelemetry.StartRun(state.Run);
        RuntimeTelemetry.RunsStarted.Add(1);
        using var lease = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var heartbeat = HeartbeatAsync(state, lease);
        TurnResult? result;
        try
        {
            state.Tools = await toolSets.BuildAsync(state.Run.TenantId, state.Run.AgentId, state.Run.AgentVersion, agent, lease.Token);
            result = await LoopAsync(state, lease.Token);
        }
        catch (RunStoppedException stopped)
        {
            result = await FailAsync(state, stopped.Code, stopped.Message, cancellationToken);
        }
        catch (LeaseLostException)
        {
            logger.LogInformation("Run {RunId} lost its lease (cancelled, interrupted or taken over); its worker stops", state.Run.Id);
            activity?.SetTag("agentcloud.run.status", "lease_lost");
            signals.Changed(state.Run.Id);
            return null;
        }
        catch (OperationCanceledException) when (lease.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            logger.LogInformation("Run {RunId} lost its lease while working; its worker stops", state.Run.Id);
            signals.Changed(state.Run.Id);
            return null;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            logger.LogError(e, "Run {RunId} failed unexpectedly", state.Run.Id);
            result = await FailAsync(state, "internal_error", "The run failed unexpectedly.", cancellationToken);
        }
        finally
        {
            await lease.CancelAsync();
            await heartbeat;
        }
        activity?.SetTag("agentcloud.run.status", result?.Status);
        if (result is not null && state.Run.ParentRunId is null)
        {
            signals.Stopped(state.Run.Id, result);
        }
        return result;
    }

    /// <summary>Renews the lease while a long model or tool call writes nothing; cancels the run when the lease is lost.</summary>
    async Task HeartbeatAsync(RunState state, CancellationTokenSource lease)
    {
        var every = options.Value.LeaseDuration / 3;
        while (!lease.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(every, time, lease.Token);
                await using var batch = writer.Begin(state);
                await batch.ExecuteAsync(lease.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (LeaseLostException)
            {
                await lease.CancelAsync();
                return;
            }
            catch (Exception e) when (e is Npgsql.NpgsqlException or TimeoutException)
            {
                logger.LogWarning("Run {RunId} could not renew its lease ({Error}); trying again", state.Run.Id, e.GetType().Name);
            }
        }
    }

    async Task<TurnResult?> LoopAsync(RunState state, CancellationToken cancellationToken)
    {
        Task<HoldResponse>? nextHold = null;
        try
        {
            while (true)
            {
                foreach (var step in state.OpenToolSteps().ToList())
                {
                    await toolRunner.ExecuteAsync(state, step, cancellationToken);
                    if (StepStatuses.IsOpen(step.Status))
                    {
                        return Paused(state); // a sub-agent waits for a person
                    }
                }
                if (state.ModelCalls >= options.Value.MaxModelCallsPerRun)
                {
                    throw new RunStoppedException("too_many_steps", $"The run reached its limit of {options.Value.MaxModelCallsPerRun} model calls.");
                }
                if (state.ModelCalls == 0 && summarizer.IsDue(state))
                {
                    await summarizer.SummarizeAsync(state, cancellationToken);
                }
                var (messages, report) = contexts.Build(state);
                var hold = await (nextHold ?? HoldAsync(state, cancellationToken));
                nextHold = null;
                var (response, latency) = await CallModelAsync(state, messages, cancellationToken);
                settlements.Commit(hold.HoldId);

                var modelStep = ModelStep(state, response, report, hold, latency);
                var calls = response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().ToList();
                if (calls.Count == 0)
                {
                    return await CompleteAsync(state, modelStep, response, cancellationToken);
                }
                if (await ProposeAsync(state, modelStep, response, calls, cancellationToken))
                {
                    return Paused(state);
                }
                // The next model call follows the tools: pay for it while they run.
                nextHold = HoldAsync(state, cancellationToken);
            }
        }
        finally
        {
            if (nextHold is not null)
            {
                _ = nextHold.ContinueWith(t => t.IsCompletedSuccessfully ? billing.ReleaseAsync(t.Result.HoldId) : Task.CompletedTask,
                    TaskScheduler.Default);
            }
        }
    }

    Task<HoldResponse> HoldAsync(RunState state, CancellationToken cancellationToken) =>
        billing.HoldAsync(new PlaceHoldRequest(state.Run.TenantId, OperationTypes.InternalApiLlm, $"model:{state.Run.Id}:{state.ModelCalls + 1}",
            state.Run.LocationId, 1, state.Run.UserId, state.Run.RootRunId.ToString(), "model call"), cancellationToken);

    async Task<(ChatResponse Response, double LatencyMs)> CallModelAsync(RunState state, List<ChatMessage> messages, CancellationToken cancellationToken)
    {
        var settings = state.Agent.ModelSettings;
        using var span = RuntimeTelemetry.StartStep(StepKinds.ModelCall, state.NextSeq);
        var client = await models.GetClientAsync(settings, new ModelCall(state.Run.TenantId, state.Run.Id, state.NextSeq), cancellationToken);
        var chatOptions = new ChatOptions
        {
            ModelId = settings.Model,
            Temperature = settings.Temperature,
            MaxOutputTokens = settings.MaxOutputTokens,
            Tools = [.. state.Tools.Values.Select(t => (AITool)t.Declaration)],
        };
        var started = Stopwatch.GetTimestamp();
        var updates = new List<ChatResponseUpdate>();
        try
        {
            var seq = state.NextSeq;
            await foreach (var update in client.GetStreamingResponseAsync(messages, chatOptions, cancellationToken))
            {
                updates.Add(update);
                if (update.Text is { Length: > 0 } text && signals.HasStreams(state.Run.Id))
                {
                    signals.Token(state.Run.Id, new RunStreamEvent($"{seq - 1}.t{updates.Count}", "token", new JsonObject { ["text"] = text }));
                }
            }
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning("Model call of run {RunId} failed: {Error}", state.Run.Id, e.GetType().Name);
            throw new RunStoppedException("model_error", "The model could not be reached or failed to answer.", e);
        }
        var response = updates.ToChatResponse();
        var latency = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        span?.SetTag("gen_ai.request.model", settings.Model).SetTag("gen_ai.response.model", response.ModelId)
            .SetTag("gen_ai.usage.input_tokens", response.Usage?.InputTokenCount).SetTag("gen_ai.usage.output_tokens", response.Usage?.OutputTokenCount);
        RuntimeTelemetry.StepDuration.Record(latency, new KeyValuePair<string, object?>("kind", "model_call"));
        return (response, latency);
    }

    StepRecord ModelStep(RunState state, ChatResponse response, ContextReport report, HoldResponse hold, double latency)
    {
        var text = response.Text;
        var inputTokens = response.Usage?.InputTokenCount ?? report.Tokens;
        var outputTokens = response.Usage?.OutputTokenCount ?? tokens.Count(text)
            + response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().Sum(c => tokens.Count(c.Name) + tokens.Count(JsonSerializer.Serialize(c.Arguments)));
        RuntimeTelemetry.Tokens.Add(inputTokens, new KeyValuePair<string, object?>("direction", "input"));
        RuntimeTelemetry.Tokens.Add(outputTokens, new KeyValuePair<string, object?>("direction", "output"));
        return new StepRecord
        {
            Id = Guid.CreateVersion7(),
            Seq = state.NextSeq,
            Kind = StepKinds.ModelCall,
            Status = StepStatuses.Completed,
            CreatedAt = time.GetUtcNow(),
            CompletedAt = time.GetUtcNow(),
            Data = new JsonObject
            {
                ["provider"] = state.Agent.ModelSettings.Provider,
                ["model"] = response.ModelId ?? state.Agent.ModelSettings.Model,
                ["usingStub"] = response.ModelId == OfflineChatClient.ModelName,
                ["fallback"] = FallbackChatClient.Read(response, FallbackChatClient.FallbackProperty),
                ["credentialId"] = FallbackChatClient.Read(response, FallbackChatClient.CredentialProperty),
                ["inputTokens"] = inputTokens,
                ["outputTokens"] = outputTokens,
                ["usageReported"] = response.Usage is not null,
                ["latencyMs"] = latency,
                ["finishReason"] = response.FinishReason?.Value,
                ["text"] = text,
                ["holdId"] = hold.HoldId.ToString(),
                ["tokensCharged"] = hold.Amount,
                ["context"] = JsonSerializer.SerializeToNode(report, AgentDefinition.Json),
            },
        };
    }

    static UsageDelta ModelUsage(StepRecord modelStep) =>
        new((long)modelStep.Data["inputTokens"]!, (long)modelStep.Data["outputTokens"]!, 1, 0, (long)modelStep.Data["tokensCharged"]!,
            (bool)modelStep.Data["usingStub"]!);

    /// <summary>
    /// Persists the model step with one tool step per proposed call, each with its decision level. Calls that need a
    /// person get an approval and pause the run, in the same write. Returns whether the run paused.
    /// </summary>
    async Task<bool> ProposeAsync(RunState state, StepRecord modelStep, ChatResponse response, List<FunctionCallContent> calls, CancellationToken cancellationToken)
    {
        var confidence = Confidence(response);
        var reasoning = Reasoning(response);
        modelStep.Data["confidence"] = confidence;
        var steps = new List<StepRecord>();
        var seq = modelStep.Seq;
        foreach (var call in calls)
        {
            var tool = state.Tools.GetValueOrDefault(call.Name);
            var firstUse = tool?.CredentialId is { } credential
                && !await store.CredentialUsedAsync(state.Run.TenantId, state.Run.AgentId, credential, cancellationToken);
            var decision = tool is null ? new Decision(DecisionLevels.Automatic, []) : DecisionEngine.Decide(tool, state.Agent.Policy, confidence, firstUse);
            var step = new StepRecord
            {
                Id = Guid.CreateVersion7(),
                Seq = ++seq,
                Kind = StepKinds.ToolCall,
                Status = decision.IsAutomatic ? StepStatuses.Pending : StepStatuses.AwaitingApproval,
                ToolKey = call.Name,
                CallId = call.CallId,
                DecisionLevel = decision.Level,
                CreatedAt = time.GetUtcNow(),
                Data = new JsonObject
                {
                    ["modelStep"] = modelStep.Seq,
                    ["arguments"] = JsonSerializer.SerializeToNode(call.Arguments ?? new Dictionary<string, object?>()),
                    ["reasoning"] = reasoning,
                    ["confidence"] = confidence,
                    ["reasons"] = new JsonArray([.. decision.Reasons.Select(r => JsonValue.Create(r))]),
                    ["credentialId"] = tool?.CredentialId?.ToString(),
                    ["approvalId"] = decision.IsAutomatic ? null : Guid.CreateVersion7().ToString(),
                },
            };
            steps.Add(step);
        }

        await using var batch = writer.Begin(state);
        RunWriter.InsertStep(batch, state, modelStep);
        foreach (var step in steps)
        {
            RunWriter.InsertStep(batch, state, step);
        }
        RunWriter.AddUsage(batch, state, ModelUsage(modelStep));
        var waiting = steps.Where(s => s.Status == StepStatuses.AwaitingApproval).ToList();
        if (waiting.Count > 0)
        {
            var expiresAt = time.GetUtcNow().Add(approvals.Value.Expiry);
            var actions = new List<ProposedAction>();
            foreach (var step in waiting)
            {
                var approvalId = JsonIds.Of(step.Data["approvalId"])!.Value;
                batch.Add("""
                    INSERT INTO approvals (id, tenant_id, run_id, root_run_id, step_id, session_id, agent_id, requested_by, agent_owner_id,
                                           agent_team_id, agent_scope, tool_key, decision_level, arguments, reasoning, confidence, status, expires_at)
                    SELECT $1, r.tenant_id, r.id, r.root_run_id, $2, r.session_id, r.agent_id, r.user_id, a.owner_user_id, a.team_id, a.scope,
                           $3, $4, $5, $6, $7, 'pending', $8
                    FROM runs r JOIN agents a ON a.id = r.agent_id WHERE r.id = $9
                    """, approvalId, step.Id, step.ToolKey, step.DecisionLevel, Jsonb.From(step.Data["arguments"]), reasoning,
                    confidence is null ? null : (float)confidence.Value, expiresAt, state.Run.Id);
                actions.Add(new ProposedAction(approvalId, step.Id, step.ToolKey!, step.DecisionLevel!, confidence));
            }
            RunWriter.Pause(batch, state);
            writer.Publish(batch, new ApprovalRequested(state.Run.Id, state.Run.RootRunId, state.Run.AgentId, state.Run.SessionId, state.Run.UserId,
                actions, expiresAt) { TenantId = state.Run.TenantId.ToString(), Subject = state.Run.Id.ToString() });
        }
        await batch.ExecuteAsync(cancellationToken);
        state.Steps.Add(modelStep);
        state.Steps.AddRange(steps);
        signals.Changed(state.Run.Id);
        return waiting.Count > 0;
    }

    async Task<TurnResult> CompleteAsync(RunState state, StepRecord modelStep, ChatResponse response, CancellationToken cancellationToken)
    {
        var messageId = Guid.CreateVersion7();
        var (calls, results) = ToolCallsOfRun(state);
        var usage = ModelUsage(modelStep);
        var now = time.GetUtcNow();
        await using var batch = writer.Begin(state);
        RunWriter.InsertStep(batch, state, modelStep);
        RunWriter.AddUsage(batch, state, usage);
        batch.Add("""
            INSERT INTO agent_messages (id, session_id, tenant_id, user_id, run_id, role, content, tool_calls, tool_call_results,
                                        input_tokens, output_tokens, token_count, timestamp)
            VALUES ($1, $2, $3, $4, $5, 'assistant', $6, $7, $8, $9, $10, $11, $12)
            """, messageId, state.Run.SessionId, state.Run.TenantId, state.Run.UserId, state.Run.Id, response.Text,
            calls.Count > 0 ? Jsonb.From(calls) : null, results.Count > 0 ? Jsonb.From(results) : null,
            (int)usage.InputTokens, (int)usage.OutputTokens, (int)usage.OutputTokens, now);
        RunWriter.Finish(batch, state, RunStatuses.Completed, null, null, messageId);
        if (state.Run.Origin != null)
        {
            RunWriter.NotifyChanged(batch, state);
        }
        var totals = state.Totals;
        writer.Publish(batch, new RunCompleted(state.Run.Id, state.Run.AgentId, state.Run.AgentVersion, state.Run.SessionId, state.Run.UserId,
            state.Run.ParentRunId, state.Run.InputKind, totals.InputTokens, totals.OutputTokens, totals.ModelCalls, totals.ToolCalls,
            totals.TokensCharged, totals.UsingStub, Activity.Current?.TraceId.ToString())
        {
            TenantId = state.Run.TenantId.ToString(), Subject = state.Run.Id.ToString(),
        });
        await batch.ExecuteAsync(cancellationToken);
        Ended(state, RunStatuses.Completed);
        return new TurnResult(RunStatuses.Completed, messageId, response.Text, now, calls, results, totals.UsingStub, null, null);
    }

    async Task<TurnResult?> FailAsync(RunState state, string code, string message, CancellationToken cancellationToken)
    {
        try
        {
            await using var batch = writer.Begin(state);
            RunWriter.Finish(batch, state, RunStatuses.Failed, code, message, null);
            RunWriter.NotifyChanged(batch, state);
            writer.Publish(batch, new RunFailed(state.Run.Id, state.Run.AgentId, state.Run.AgentVersion, state.Run.SessionId, state.Run.UserId,
                state.Run.ParentRunId, RunStatuses.Failed, code, message, Activity.Current?.TraceId.ToString())
            {
                TenantId = state.Run.TenantId.ToString(), Subject = state.Run.Id.ToString(),
            });
            await batch.ExecuteAsync(cancellationToken);
        }
        catch (LeaseLostException)
        {
            return null;
        }
        Ended(state, RunStatuses.Failed);
        var (calls, results) = ToolCallsOfRun(state);
        return new TurnResult(RunStatuses.Failed, null, message, time.GetUtcNow(), calls, results,
            state.Steps.Any(s => (bool?)s.Data["usingStub"] == true), code, message);
    }

    TurnResult Paused(RunState state)
    {
        Ended(state, RunStatuses.RequiresApproval);
        var (calls, results) = ToolCallsOfRun(state);
        return new TurnResult(RunStatuses.RequiresApproval, null, "", time.GetUtcNow(), calls, results,
            state.Steps.Any(s => (bool?)s.Data["usingStub"] == true), null, null);
    }

    void Ended(RunState state, string status)
    {
        RuntimeTelemetry.RunsEnded.Add(1, new KeyValuePair<string, object?>("status", status));
        RuntimeTelemetry.RunDuration.Record((time.GetUtcNow() - state.Run.CreatedAt).TotalMilliseconds);
    }

    static (JsonArray Calls, JsonArray Results) ToolCallsOfRun(RunState state) => ToolCallsOf(state.Steps);

    /// <summary>Seed 004's tool_calls and tool_results of a turn, from its steps.</summary>
    public static (JsonArray Calls, JsonArray Results) ToolCallsOf(IEnumerable<StepRecord> steps)
    {
        var calls = new JsonArray();
        var results = new JsonArray();
        foreach (var step in steps.Where(s => s.Kind == StepKinds.ToolCall))
        {
            calls.Add(new JsonObject
            {
                ["id"] = step.CallId, ["name"] = step.ToolKey, ["arguments"] = (step.Data["approvedArguments"] ?? step.Data["arguments"])?.DeepClone(),
                ["decisionLevel"] = step.DecisionLevel, ["stepId"] = step.Id.ToString(),
            });
            if (step.Data["result"] is { } result)
            {
                results.Add(new JsonObject { ["id"] = step.CallId, ["name"] = step.ToolKey, ["status"] = step.Status, ["result"] = result.DeepClone() });
            }
        }
        return (calls, results);
    }

    static double? Confidence(ChatResponse response) =>
        response.AdditionalProperties?.TryGetValue(OfflineChatClient.ConfidenceProperty, out var value) == true
            ? value switch
            {
                double d => d,
                float f => f,
                int i => i,
                JsonElement { ValueKind: JsonValueKind.Number } e => e.GetDouble(),
                _ => null,
            }
            : null;

    static string? Reasoning(ChatResponse response)
    {
        var reasoning = string.Concat(response.Messages.SelectMany(m => m.Contents).OfType<TextReasoningContent>().Select(r => r.Text));
        return reasoning.Length > 0 ? reasoning : response.Text is { Length: > 0 } text ? text : null;
    }
}
