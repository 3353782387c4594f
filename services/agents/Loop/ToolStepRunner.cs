using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgentCloud.Agents.Decisions;
using AgentCloud.Agents.Memory;
using AgentCloud.Agents.Runs;
using AgentCloud.Contracts.Tools;

namespace AgentCloud.Agents.Loop;

/// <summary>
/// Executes one persisted tool step (seed 001 tools node) and persists its result. Gateway tools are sent with the
/// step id as the tool call id, the run's tenant/user/agent/run/location, the agent's credential for the tool and,
/// for an approved call, an approval grant; the gateway replays a repeated id instead of executing it again.
/// </summary>
public sealed class ToolStepRunner(
    RunWriter writer, GatewayClient gateway, ApprovalGrants grants, CallContexts callContexts, SubAgentRunner subAgents, RunFaultPoint faults,
    RunSignals signals, TimeProvider time)
{
    public async Task ExecuteAsync(RunState state, StepRecord step, CancellationToken cancellationToken)
    {
        using var span = RuntimeTelemetry.StartStep(StepKinds.ToolCall, step.Seq, step.ToolKey);
        var started = Stopwatch.GetTimestamp();
        var tool = state.Tools.GetValueOrDefault(step.ToolKey ?? "");
        var arguments = EffectiveArguments(step, tool);
        var usage = new UsageDelta(ToolCalls: 1);
        RunStoppedException? stop = null;
        await using var batch = writer.Begin(state);

        JsonNode result;
        switch (tool?.Kind)
        {
            case RuntimeToolKind.Fact:
                var (ok, stored) = RememberFactTool.Stage(batch, state, step, arguments);
                (step.Status, result) = (ok ? StepStatuses.Succeeded : StepStatuses.Failed, JsonNode.Parse(stored.GetRawText())!);
                break;
            case RuntimeToolKind.SubAgent:
                var outcome = await subAgents.RunAsync(state, step, tool, arguments, cancellationToken);
                if (outcome.Paused)
                {
                    return;
                }
                (step.Status, result, usage) = (outcome.Status, outcome.Result, usage with
                {
                    InputTokens = outcome.Usage.InputTokens, OutputTokens = outcome.Usage.OutputTokens, TokensCharged = outcome.Usage.TokensCharged,
                    UsingStub = outcome.Usage.UsingStub,
                });
                break;
            case RuntimeToolKind.Gateway:
                await faults.ReachedAsync("before-tool", state.Run.Id);
                var invocation = await InvokeAsync(state, step, tool, arguments, cancellationToken);
                await faults.ReachedAsync("after-tool", state.Run.Id);
                step.Status = invocation.Status switch
                {
                    "succeeded" => StepStatuses.Succeeded,
                    "unknown" or "in_progress" => StepStatuses.Unknown,
                    _ => StepStatuses.Failed,
                };
                result = JsonSerializer.SerializeToNode(new { invocation.Status, invocation.Output, invocation.Error, invocation.TokensCharged, invocation.Replayed },
                    AgentCloud.Agents.Agents.AgentDefinition.Json)!;
                usage = usage with { TokensCharged = invocation.TokensCharged };
                if (invocation.Status == "succeeded" && tool.CredentialId is { } credential)
                {
                    batch.Add("INSERT INTO credential_uses (tenant_id, agent_id, credential_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                        state.Run.TenantId, state.Run.AgentId, credential);
                }
                if (invocation.Error?.Code == "insufficient_tokens")
                {
                    stop = new RunStoppedException("insufficient_tokens", $"The tenant's token balance cannot pay for the tool call {tool.Name}.");
                }
                break;
            default:
                (step.Status, result) = (StepStatuses.Failed, Error("unknown_tool", $"'{step.ToolKey}' is not one of this agent's tools."));
                break;
        }

        step.Data["result"] = result;
        step.Data["latencyMs"] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        step.CompletedAt = time.GetUtcNow();
        RunWriter.UpdateStep(batch, step);
        RunWriter.AddUsage(batch, state, usage);
        await batch.ExecuteAsync(cancellationToken);
        span?.SetTag("agentcloud.step.status", step.Status);
        RuntimeTelemetry.StepDuration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds, new KeyValuePair<string, object?>("kind", "tool_call"));
        signals.Changed(state.Run.Id);
        if (stop is not null)
        {
            throw stop;
        }
    }

    async Task<ToolInvocationResult> InvokeAsync(RunState state, StepRecord step, RuntimeTool tool, JsonElement arguments, CancellationToken cancellationToken)
    {
        var grant = step.Status == StepStatuses.Approved
            ? await grants.IssueAsync(state.Run.TenantId, tool.Name, step.Id.ToString(), arguments, JsonIds.Of(step.Data["decidedBy"]), cancellationToken)
            : null;
        var request = new ToolInvocationRequest(step.Id.ToString(), arguments, state.Run.TenantId, state.Run.UserId, state.Run.AgentId,
            state.Run.Id, state.Run.LocationId, tool.CredentialId, grant, state.Run.SessionId, await callContexts.ForAsync(state, cancellationToken));
        // "in_progress": the same tool call id is executing at the gateway right now (a worker that died just sent it).
        for (var attempt = 0; ; attempt++)
        {
            var result = await gateway.InvokeAsync(tool.Name, request, cancellationToken);
            if (result.Status != "in_progress" || attempt == 60)
            {
                return result;
            }
            await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
        }
    }

    /// <summary>The approved (possibly edited) or proposed arguments, with the agent's fixed arguments on top.</summary>
    static JsonElement EffectiveArguments(StepRecord step, RuntimeTool? tool)
    {
        var chosen = (step.Data["approvedArguments"] ?? step.Data["arguments"])?.DeepClone() as JsonObject ?? [];
        foreach (var (name, value) in tool?.FixedArguments ?? [])
        {
            chosen[name] = value?.DeepClone();
        }
        return JsonSerializer.SerializeToElement(chosen);
    }

    public static JsonNode Error(string code, string message) => new JsonObject
    {
        ["status"] = "failed",
        ["error"] = new JsonObject { ["code"] = code, ["message"] = message },
    };
}
