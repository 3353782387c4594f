using System.Text.Json;
using AgentCloud.Contracts.Tools;
using AgentCloud.ToolGateway.Execution.Steps;
using AgentCloud.ToolGateway.Infrastructure;
using AgentCloud.ToolGateway.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AgentCloud.ToolGateway.Execution.Idempotency;

/// <summary>
/// At most once per (tenant, tool call id). A call with effects claims its id — its row inserted as <c>started</c>
/// (<c>INSERT … ON CONFLICT DO NOTHING</c>) — before anything happens. The same id again is answered from the row: a
/// final outcome is replayed as it was; other arguments or another tool → <c>tool_call_id_reused</c>, nothing run;
/// still <c>started</c> within its lease (tool timeout + <see cref="ToolExecutionOptions.LeaseGrace"/>) →
/// <c>in_progress</c>; still <c>started</c> after it → its gateway stopped mid-call: <see cref="InterruptedCalls"/>.
/// </summary>
public sealed class ToolCallClaims(ToolsDbContext db, InterruptedCalls interrupted, IOptions<ToolExecutionOptions> options, TimeProvider time)
{
    /// <summary>Null: claimed, go on. Otherwise the answer for a tool call id seen before.</summary>
    public async Task<ToolInvocationResult?> ClaimAsync(ToolCall call, CancellationToken cancellationToken)
    {
        var row = call.StartedRow();
        var inserted = await db.Database.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO tool_invocations (id, tenant_id, tool_key, tool_call_id, status, created_at, user_id, agent_id, run_id,
                                          location_id, caller, arguments_hash, trace_id)
            VALUES ({row.Id}, {row.TenantId}, {row.ToolKey}, {row.ToolCallId}, {row.Status}, {row.CreatedAt}, {row.UserId},
                    {row.AgentId}, {row.RunId}, {row.LocationId}, {row.Caller}, {row.ArgumentsHash}, {row.TraceId})
            ON CONFLICT (tenant_id, tool_call_id) DO NOTHING
            """, cancellationToken);
        call.Claimed = inserted == 1;
        return call.Claimed ? null : await ReplayAsync(call, cancellationToken);
    }

    /// <summary>The answer for a tool call id another attempt saved first.</summary>
    public async Task<ToolInvocationResult> ReplayAsync(ToolCall call, CancellationToken cancellationToken)
    {
        var command = call.Command;
        var existing = await db.ToolInvocations.AsNoTracking()
            .SingleAsync(i => i.TenantId == command.TenantId && i.ToolCallId == command.ToolCallId, cancellationToken);
        if (existing.ToolKey != call.Definition.Key || existing.ArgumentsHash != call.ArgumentsHash)
        {
            return new(existing.Id, call.Definition.Key, command.ToolCallId, InvocationStatus.Failed, null,
                new ToolError("tool_call_id_reused", "This tool call id was already used for another tool or other arguments; nothing was done."),
                0, true);
        }
        if (existing.Status != InvocationStatus.Started)
        {
            return Stored(existing);
        }
        if (existing.CreatedAt + call.Definition.Timeout + options.Value.LeaseGrace > time.GetUtcNow())
        {
            return InProgress(existing, "This tool call is still executing; ask again later for its outcome.");
        }
        return await interrupted.RecoverAsync(existing);
    }

    public static ToolInvocationResult InProgress(ToolInvocation invocation, string message) =>
        new(invocation.Id, invocation.ToolKey, invocation.ToolCallId, InvocationStatus.InProgress, null, new ToolError("in_progress", message), 0, true);

    public static ToolInvocationResult Stored(ToolInvocation invocation) =>
        (JsonSerializer.Deserialize<ToolInvocationResult>(invocation.Result!, RecordOutcome.Json) ?? throw new InvalidOperationException("Empty stored result."))
        with { Replayed = true };
}
