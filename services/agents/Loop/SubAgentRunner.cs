using System.Text.Json;
using System.Text.Json.Nodes;
using AgentCloud.Agents.Agents;
using AgentCloud.Agents.Runs;
using Microsoft.Extensions.Options;

namespace AgentCloud.Agents.Loop;

public sealed record SubAgentOutcome(bool Paused, string Status, JsonNode Result, UsageDelta Usage);

/// <summary>
/// Seed 001/003 sub-assistants: a call of an agent-as-tool is a nested run of that agent (its own conversation, steps
/// and usage, parent_run_id = the caller), executed inline by the root run's worker. Its usage is added to the parent
/// step's run, so the root's totals are the whole tree's cost. The child id is persisted on the step before the child
/// starts, so a resumed parent resumes the same child. A child waiting for approval pauses its whole chain.
/// </summary>
public sealed class SubAgentRunner(RunStore store, RunWriter writer, AgentDefinitions definitions, WorkerIdentity worker,
    IServiceProvider services, IOptions<RuntimeOptions> options)
{
    public async Task<SubAgentOutcome> RunAsync(RunState parent, StepRecord step, RuntimeTool tool, JsonElement arguments, CancellationToken cancellationToken)
    {
        var request = arguments.ValueKind == JsonValueKind.Object && arguments.TryGetProperty("request", out var r) && r.ValueKind == JsonValueKind.String
            ? r.GetString()! : "";
        if (request.Length is 0 or > 10_000)
        {
            return Failed("invalid_arguments", "A request of 1 to 10,000 characters is required.");
        }
        if (parent.Run.Depth + 1 > options.Value.MaxSubAgentDepth)
        {
            return Failed("depth_limit", $"Sub-agents may nest at most {options.Value.MaxSubAgentDepth} deep.");
        }
        var childId = JsonIds.Of(step.Data["childRunId"]);
        if (childId is null)
        {
            if (await definitions.FindCurrentAsync(parent.Run.TenantId, tool.SubAgentId!.Value, cancellationToken) is not { } sub)
            {
                return Failed("agent_not_found", "The sub-agent no longer exists.");
            }
            childId = Guid.CreateVersion7();
            await CreateChildAsync(parent, step, childId.Value, sub, request, cancellationToken);
        }

        var status = await store.ReadStatusAsync(childId.Value, cancellationToken);
        if (!RunStatuses.IsFinal(status.Status))
        {
            if (await store.TakeAsync(childId.Value, worker.Id, cancellationToken) is not { } fencing)
            {
                return Failed("sub_agent_busy", "The sub-agent's run is held by another worker.");
            }
            var executor = services.GetRequiredService<RunExecutor>();
            var turn = await executor.ExecuteAsync(new ClaimedRun(childId.Value, fencing, status.AgentId, status.AgentVersion), cancellationToken);
            if (turn?.Status == RunStatuses.RequiresApproval)
            {
                await PauseAsync(parent, cancellationToken);
                return new SubAgentOutcome(true, StepStatuses.Pending, new JsonObject(), default);
            }
            status = await store.ReadStatusAsync(childId.Value, cancellationToken);
        }
        var usage = new UsageDelta(status.InputTokens, status.OutputTokens, 0, 0, status.TokensCharged, status.UsingStub);
        return status.Status == RunStatuses.Completed
            ? new SubAgentOutcome(false, StepStatuses.Succeeded,
                new JsonObject { ["status"] = "succeeded", ["childRunId"] = childId.ToString(), ["answer"] = status.Response ?? "" }, usage)
            : new SubAgentOutcome(false, StepStatuses.Failed, ToolStepRunner.Error(status.ErrorCode ?? status.Status, status.Message ?? "The sub-agent did not finish."), usage);
    }

    async Task CreateChildAsync(RunState parent, StepRecord step, Guid childId, CurrentAgent sub, string request, CancellationToken cancellationToken)
    {
        var sessionId = Guid.CreateVersion7();
        var input = new JsonObject { ["message"] = request, ["messageId"] = Guid.CreateVersion7().ToString(), ["role"] = "user" };
        step.Data["childRunId"] = childId.ToString();
        await using var batch = writer.Begin(parent)
            .Add("""
                INSERT INTO agent_sessions (id, tenant_id, user_id, agent_id, location_id, parent_session_id, title)
                VALUES ($1, $2, $3, $4, $5, $6, $7)
                """, sessionId, parent.Run.TenantId, parent.Run.UserId, sub.Id, parent.Run.LocationId, parent.Run.SessionId,
                $"Asked by run {parent.Run.Id}")
            .Add("""
                INSERT INTO runs (id, tenant_id, session_id, agent_id, agent_version, user_id, location_id, parent_run_id, parent_step_id,
                                  root_run_id, depth, input_kind, input, status, origin, trace_parent)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'sub_agent', $12, 'queued', $13, $14)
                """, childId, parent.Run.TenantId, sessionId, sub.Id, sub.Version, parent.Run.UserId, parent.Run.LocationId, parent.Run.Id,
                step.Id, parent.Run.RootRunId, parent.Run.Depth + 1, Jsonb.From(input), parent.Run.Origin, parent.Run.TraceParent);
        RunWriter.UpdateStep(batch, step);
        await batch.ExecuteAsync(cancellationToken);
    }

    async Task PauseAsync(RunState parent, CancellationToken cancellationToken)
    {
        await using var batch = writer.Begin(parent);
        RunWriter.Pause(batch, parent);
        await batch.ExecuteAsync(cancellationToken);
    }

    static SubAgentOutcome Failed(string code, string message) => new(false, StepStatuses.Failed, ToolStepRunner.Error(code, message), default);
}
