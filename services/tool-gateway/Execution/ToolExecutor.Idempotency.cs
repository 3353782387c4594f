using System.Diagnostics;
using System.Text.Json;
using AgentCloud.Contracts.Tools;
using AgentCloud.ToolGateway.Model;
using Microsoft.EntityFrameworkCore;

namespace AgentCloud.ToolGateway.Execution;

/// <summary>
/// At most once per (tenant, tool call id). The row is claimed ('started') before anything runs. The same id again:
/// a final outcome is replayed as it was; a call still 'started' within its lease (tool timeout + grace) answers
/// <c>in_progress</c>; a call still 'started' after its lease crashed mid-call — whether its effect happened is
/// unknown, so it is never re-sent: its hold is released and it ends as <c>unknown</c> (<c>outcome_unknown</c>),
/// which the model can report or retry under a new tool call id.
/// </summary>
public sealed partial class ToolExecutor
{
    public static readonly TimeSpan LeaseGrace = TimeSpan.FromSeconds(30);

    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    async Task<(ToolInvocation? Claimed, ToolInvocationResult? Earlier)> ClaimAsync(
        InvocationCommand command, string argumentsHash, CancellationToken cancellationToken)
    {
        var id = Guid.CreateVersion7();
        var now = time.GetUtcNow();
        var key = command.Tool.Definition.Key;
        var traceId = Activity.Current?.TraceId.ToString();
        var inserted = await db.Database.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO tool_invocations (id, tenant_id, tool_key, tool_call_id, status, created_at, user_id, agent_id, run_id,
                                          location_id, caller, arguments_hash, trace_id)
            VALUES ({id}, {command.TenantId}, {key}, {command.ToolCallId}, {InvocationStatus.Started}, {now}, {command.UserId},
                    {command.AgentId}, {command.RunId}, {command.LocationId}, {command.Caller}, {argumentsHash}, {traceId})
            ON CONFLICT (tenant_id, tool_call_id) DO NOTHING
            """, cancellationToken);
        if (inserted == 1)
        {
            var claimed = new ToolInvocation
            {
                Id = id, TenantId = command.TenantId, ToolKey = key, ToolCallId = command.ToolCallId, Status = InvocationStatus.Started,
                CreatedAt = now, UserId = command.UserId, AgentId = command.AgentId, RunId = command.RunId, LocationId = command.LocationId,
                Caller = command.Caller, ArgumentsHash = argumentsHash, TraceId = traceId,
            };
            db.ToolInvocations.Attach(claimed);
            return (claimed, null);
        }
        return (null, await ReplayAsync(command, argumentsHash, cancellationToken));
    }

    async Task<ToolInvocationResult> ReplayAsync(InvocationCommand command, string argumentsHash, CancellationToken cancellationToken)
    {
        var existing = await db.ToolInvocations.SingleAsync(
            i => i.TenantId == command.TenantId && i.ToolCallId == command.ToolCallId, cancellationToken);
        if (existing.ToolKey != command.Tool.Definition.Key || existing.ArgumentsHash != argumentsHash)
        {
            return new(existing.Id, command.Tool.Definition.Key, command.ToolCallId, InvocationStatus.Failed, null,
                new ToolError("tool_call_id_reused", "This tool call id was already used for another tool or other arguments; nothing was done."),
                0, true);
        }
        if (existing.Status != InvocationStatus.Started)
        {
            return Stored(existing);
        }
        if (existing.CreatedAt + command.Tool.Definition.Timeout + LeaseGrace > time.GetUtcNow())
        {
            return InProgress(existing);
        }
        return await RecoverAsync(existing, cancellationToken);
    }

    async Task<ToolInvocationResult> RecoverAsync(ToolInvocation stale, CancellationToken cancellationToken)
    {
        using var step = ToolGatewayTelemetry.Step("recover", stale.ToolKey);
        // Only one retry may settle it: the conditional update picks the winner.
        var won = await db.ToolInvocations
            .Where(i => i.Id == stale.Id && i.Status == InvocationStatus.Started)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.Status, InvocationStatus.Unknown), cancellationToken);
        if (won == 0)
        {
            await db.Entry(stale).ReloadAsync(cancellationToken);
            return stale.Result is null ? InProgress(stale) : Stored(stale);
        }
        if (stale.HoldId is { } holdId)
        {
            await ReleaseQuietlyAsync(holdId, stale.ToolKey);
        }
        var outcome = StepOutcome.Fail("outcome_unknown",
            "An earlier attempt of this tool call stopped before finishing; whether it took effect is unknown, so it was not repeated.");
        return await RecordAsync(stale, outcome, InvocationStatus.Unknown, tokensCharged: 0, latencyMs: 0, cancellationToken);
    }

    async Task<ToolInvocationResult> FinishAsync(RunState run, StepOutcome outcome, CancellationToken cancellationToken)
    {
        var invocation = run.Invocation;
        var definition = run.Command.Tool.Definition;
        long charged = 0;
        if (invocation.HoldId is { } holdId)
        {
            if (outcome.Succeeded)
            {
                using var step = ToolGatewayTelemetry.Step("billing.commit", definition.Key);
                try
                {
                    charged = await billing.CommitAsync(holdId, CancellationToken.None);
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    // The action happened but billing stayed unreachable through every retry: the hold expires and is
                    // released, so this call goes unbilled. Logged as an error for reconciliation; never re-run the tool.
                    logger.LogError(e, "Committing hold {HoldId} for tool {ToolKey} failed", holdId, definition.Key);
                    step?.SetStatus(ActivityStatusCode.Error, "commit failed");
                }
            }
            else
            {
                await ReleaseQuietlyAsync(holdId, definition.Key);
            }
        }
        var totalMs = (long)Stopwatch.GetElapsedTime(run.Started).TotalMilliseconds;
        var overhead = Stopwatch.GetElapsedTime(run.Started) - Stopwatch.GetElapsedTime(0, run.ConnectorTicks);
        Activity.Current?.SetTag("agentcloud.tool.overhead_ms", overhead.TotalMilliseconds);
        var status = outcome.Succeeded ? InvocationStatus.Succeeded : InvocationStatus.Failed;
        return await RecordAsync(invocation, outcome, status, charged, totalMs, cancellationToken);
    }

    async Task ReleaseQuietlyAsync(Guid holdId, string toolKey)
    {
        using var step = ToolGatewayTelemetry.Step("billing.release", toolKey);
        try
        {
            await billing.ReleaseAsync(holdId, CancellationToken.None);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            logger.LogError(e, "Releasing hold {HoldId} for tool {ToolKey} failed", holdId, toolKey);
            step?.SetStatus(ActivityStatusCode.Error, "release failed");
        }
    }

    async Task<ToolInvocationResult> RecordAsync(ToolInvocation invocation, StepOutcome outcome, string status, long tokensCharged, long latencyMs,
        CancellationToken cancellationToken)
    {
        using var step = ToolGatewayTelemetry.Step("audit", invocation.ToolKey);
        var output = outcome.Output is null ? (JsonElement?)null : JsonSerializer.SerializeToElement(outcome.Output, Json);
        var result = new ToolInvocationResult(invocation.Id, invocation.ToolKey, invocation.ToolCallId, status, output, outcome.Error, tokensCharged, false);
        invocation.Status = status;
        invocation.ErrorCode = outcome.Error?.Code;
        invocation.TokensCharged = tokensCharged;
        invocation.LatencyMs = latencyMs;
        invocation.CompletedAt = time.GetUtcNow();
        invocation.Result = JsonSerializer.Serialize(result, Json);
        outbox.Add(db, new ToolInvoked(invocation.Id, invocation.ToolKey, invocation.ToolCallId, invocation.UserId, invocation.AgentId,
            invocation.RunId, invocation.LocationId, status, outcome.Error?.Code, invocation.ArgumentsHash, tokensCharged, latencyMs,
            invocation.TraceId)
        {
            TenantId = invocation.TenantId.ToString(),
            Subject = invocation.ToolCallId,
        });
        // The outcome is recorded even when the caller has gone: CancellationToken.None.
        await db.SaveChangesAsync(CancellationToken.None);
        ToolGatewayTelemetry.Invocations.Add(1, new KeyValuePair<string, object?>("tool", invocation.ToolKey), new("status", status));
        ToolGatewayTelemetry.Duration.Record(latencyMs, new KeyValuePair<string, object?>("tool", invocation.ToolKey));
        return result;
    }

    static ToolInvocationResult InProgress(ToolInvocation invocation) =>
        new(invocation.Id, invocation.ToolKey, invocation.ToolCallId, InvocationStatus.InProgress, null,
            new ToolError("in_progress", "This tool call is still executing; ask again later for its outcome."), 0, true);

    static ToolInvocationResult Stored(ToolInvocation invocation) =>
        (JsonSerializer.Deserialize<ToolInvocationResult>(invocation.Result!, Json) ?? throw new InvalidOperationException("Empty stored result."))
        with { Replayed = true };
}
