using AgentCloud.Agents.Loop;
using AgentCloud.Contracts.Agents;
using AgentCloud.EventBus.Outbox;

namespace AgentCloud.Agents.Runs;

/// <summary>
/// Cancels a run and its sub-agent runs: status cancelled, pending approvals cancelled, the conversation freed and
/// its fencing token moved on (so a worker still executing it can no longer write), RunFailed (cancelled) in the outbox,
/// all in one write; a worker of this replica is stopped at once, one elsewhere at its next write.
/// </summary>
public sealed class RunCancellation(RunStore store, RunDispatcher dispatcher, RunSignals signals, IIntegrationEventOutbox outbox)
{
    public async Task<bool> CancelAsync(Run run, string message, CancellationToken cancellationToken)
    {
        var cancelled = new RunFailed(run.Id, run.AgentId, run.AgentVersion, run.SessionId, run.UserId, null, RunStatuses.Cancelled, "cancelled", message,
            RunView.From(run, null).TraceId) { TenantId = run.TenantId.ToString(), Subject = run.Id.ToString() };
        await using var batch = store.NewBatch()
            .Add("""
                WITH stopped AS (
                    UPDATE runs SET status = 'cancelled', error_code = 'cancelled', status_message = $2, completed_at = now()
                    WHERE root_run_id = $1 AND status IN ('queued', 'running', 'requires_approval')
                    RETURNING id)
                SELECT 1 / (SELECT count(*) FROM stopped WHERE id = $1)::int
                """, run.Id, message)
            .Add("UPDATE approvals SET status = 'cancelled', decided_at = now() WHERE root_run_id = $1 AND status = 'pending'", run.Id)
            .Add("""
                UPDATE agent_sessions SET active_run_id = NULL, lease_owner = NULL, lease_expires_at = NULL, fencing_token = fencing_token + 1
                WHERE id = $1 AND active_run_id = $2
                """, run.SessionId, run.Id)
            .Add(OutboxRows.InsertSql, OutboxRows.Values(cancelled, null)).OnCommitted(outbox.Nudge)
            .Add("SELECT pg_notify('agent_runs', ''), pg_notify('agent_run_events', $1)", run.Id.ToString());
        try
        {
            await batch.ExecuteAsync(cancellationToken);
        }
        catch (Npgsql.PostgresException e) when (e.SqlState == Npgsql.PostgresErrorCodes.DivisionByZero)
        {
            return false; // it had already ended
        }
        dispatcher.CancelLocal(run.Id);
        signals.Stopped(run.Id, new TurnResult(RunStatuses.Cancelled, null, message, DateTimeOffset.UtcNow, [], [], false, "cancelled", message));
        return true;
    }

    /// <summary>
    /// RunFailed (cancelled) for runs an interrupting message cancelled inside <c>runtime_enqueue</c>. Written right after
    /// that statement, not in it (the event envelope is built here, once): a crash in between loses these events.
    /// </summary>
    public async Task PublishInterruptedAsync(IReadOnlyList<Guid> runIds, CancellationToken cancellationToken)
    {
        if (runIds.Count == 0)
        {
            return;
        }
        var events = new List<RunFailed>();
        await using (var read = store.NewBatch().Add("""
            SELECT id, tenant_id, agent_id, agent_version, session_id, user_id, trace_parent FROM runs WHERE id = ANY ($1)
            """, runIds.ToArray()))
        await using (var reader = await read.ReadAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var traceParent = reader.IsDBNull(6) ? null : reader.GetString(6);
                events.Add(new RunFailed(reader.GetGuid(0), reader.GetGuid(2), reader.GetInt32(3), reader.GetGuid(4), reader.GetGuid(5), null,
                    RunStatuses.Cancelled, "interrupted", "Interrupted by a newer message.", traceParent?.Split('-') is [_, var trace, ..] ? trace : null)
                {
                    TenantId = reader.GetGuid(1).ToString(), Subject = reader.GetGuid(0).ToString(),
                });
            }
        }
        await using var batch = store.NewBatch();
        foreach (var failed in events)
        {
            batch.Add(OutboxRows.InsertSql, OutboxRows.Values(failed, null)).OnCommitted(outbox.Nudge);
            signals.Stopped(failed.RunId, new TurnResult(RunStatuses.Cancelled, null, failed.Message!, DateTimeOffset.UtcNow, [], [], false, "interrupted",
                failed.Message));
        }
        await batch.ExecuteAsync(cancellationToken);
    }
}
