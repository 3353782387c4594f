using System.Diagnostics;
using AgentCloud.Agents.Runs;
using AgentCloud.EventBus.Abstractions;
using AgentCloud.EventBus.Outbox;

namespace AgentCloud.Agents.Loop;

/// <summary>
/// A worker's writes. Each is one batch (one round trip, one transaction) that starts with <c>runtime_fence</c>: it
/// renews the lease and fails everything when the worker's fencing token is stale, so a worker that lost its run
/// can never write to it. Events go into the outbox in the same batch.
/// </summary>
public sealed class RunWriter(RunStore store, IIntegrationEventOutbox outbox)
{
    public SqlBatch Begin(RunState state) =>
        store.NewBatch().Add("SELECT runtime_fence($1, $2, $3)", state.Run.SessionId, state.Fencing, store.Options.LeaseDuration);

    public static SqlBatch InsertStep(SqlBatch batch, RunState state, StepRecord step) =>
        batch.Add("""
            INSERT INTO run_steps (id, run_id, tenant_id, seq, kind, status, tool_key, call_id, decision_level, data, created_at, completed_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
            """, step.Id, state.Run.Id, state.Run.TenantId, step.Seq, step.Kind, step.Status, step.ToolKey, step.CallId, step.DecisionLevel,
            Jsonb.From(step.Data), step.CreatedAt, step.CompletedAt);

    public static SqlBatch UpdateStep(SqlBatch batch, StepRecord step) =>
        batch.Add("UPDATE run_steps SET status = $2, data = $3, completed_at = $4 WHERE id = $1",
            step.Id, step.Status, Jsonb.From(step.Data), step.CompletedAt);

    public static SqlBatch AddUsage(SqlBatch batch, RunState state, UsageDelta usage)
    {
        state.Totals += usage;
        return batch.Add("""
            UPDATE runs SET input_tokens = input_tokens + $2, output_tokens = output_tokens + $3, model_calls = model_calls + $4,
                   tool_calls = tool_calls + $5, tokens_charged = tokens_charged + $6, using_stub = using_stub OR $7
            WHERE id = $1
            """, state.Run.Id, usage.InputTokens, usage.OutputTokens, usage.ModelCalls, usage.ToolCalls, usage.TokensCharged, usage.UsingStub);
    }

    /// <summary>Ends the run (any final status) and frees its conversation for the next queued message.</summary>
    public static SqlBatch Finish(SqlBatch batch, RunState state, string status, string? errorCode, string? message, Guid? responseMessageId)
    {
        batch.Add("""
            UPDATE runs SET status = $2, error_code = $3, status_message = $4, response_message_id = $5, completed_at = now()
            WHERE id = $1
            """, state.Run.Id, status, errorCode, message, responseMessageId);
        batch.Add("""
            UPDATE agent_sessions SET active_run_id = NULL, lease_owner = NULL, lease_expires_at = NULL, updated_at = now()
            WHERE id = $1
            """, state.Run.SessionId);
        return batch.Add("SELECT pg_notify('agent_runs', '') WHERE EXISTS (SELECT 1 FROM runs WHERE session_id = $1 AND status = 'queued')",
            state.Run.SessionId);
    }

    /// <summary>Pauses the run for a person's decision: its worker lets go, the run keeps its conversation.</summary>
    public static SqlBatch Pause(SqlBatch batch, RunState state)
    {
        batch.Add("UPDATE runs SET status = 'requires_approval' WHERE id = $1", state.Run.Id);
        batch.Add("UPDATE agent_sessions SET lease_owner = NULL, lease_expires_at = NULL WHERE id = $1", state.Run.SessionId);
        return NotifyChanged(batch, state);
    }

    /// <summary>Tells waiters on other replicas (chat requests, streams) that the run changed.</summary>
    public static SqlBatch NotifyChanged(SqlBatch batch, RunState state) =>
        batch.Add("SELECT pg_notify('agent_run_events', $1)", state.Run.Id.ToString());

    public SqlBatch Publish(SqlBatch batch, IntegrationEvent @event) =>
        batch.Add(OutboxRows.InsertSql, OutboxRows.Values(@event, Activity.Current)).OnCommitted(outbox.Nudge);
}
