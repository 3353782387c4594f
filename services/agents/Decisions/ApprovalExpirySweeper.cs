using System.Text.Json.Nodes;
using AgentCloud.Agents.Runs;
using AgentCloud.Contracts.Agents;
using AgentCloud.EventBus.Outbox;
using Microsoft.Extensions.Options;
using Npgsql;

namespace AgentCloud.Agents.Decisions;

/// <summary>
/// Expires approvals nobody decided in time (every <see cref="ApprovalOptions.SweepInterval"/>, any replica: rows are
/// taken with SKIP LOCKED). With <c>OnExpiry = reject</c> (default) each counts as a rejection the model is told about
/// and the run goes on; with <c>expire</c> the run ends with status <c>expired</c> (RunFailed, status expired).
/// </summary>
public sealed class ApprovalExpirySweeper(NpgsqlDataSource dataSource, RunDispatcher dispatcher, IOptions<ApprovalOptions> options,
    IIntegrationEventOutbox outbox, ILogger<ApprovalExpirySweeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SweepInterval);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await timer.WaitForNextTickAsync(stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            try
            {
                if (await SweepAsync(stoppingToken) > 0)
                {
                    dispatcher.Wake();
                }
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException)
            {
                logger.LogWarning("Approval expiry sweep failed ({Error}); retrying next interval", e.GetType().Name);
            }
        }
    }

    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var expired = new List<(Guid Step, Guid Root)>();
        await using (var take = new NpgsqlCommand("""
            UPDATE approvals SET status = 'expired', decided_at = now()
            WHERE id IN (SELECT id FROM approvals WHERE status = 'pending' AND expires_at < now() ORDER BY expires_at LIMIT 200 FOR UPDATE SKIP LOCKED)
            RETURNING step_id, root_run_id
            """, connection, transaction))
        await using (var reader = await take.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                expired.Add((reader.GetGuid(0), reader.GetGuid(1)));
            }
        }
        if (expired.Count == 0)
        {
            return 0;
        }
        var result = new JsonObject { ["status"] = "rejected", ["message"] = "Nobody approved this action in time; it was not carried out." };
        await Execute(connection, transaction, """
            UPDATE run_steps SET status = 'rejected', data = data || jsonb_build_object('result', $2::jsonb, 'expired', true), completed_at = now()
            WHERE id = ANY ($1) AND status = 'awaiting_approval'
            """, cancellationToken, expired.Select(e => e.Step).ToArray(), result.ToJsonString());
        var roots = expired.Select(e => e.Root).Distinct().ToArray();
        if (options.Value.OnExpiry == "expire")
        {
            await ExpireRunsAsync(connection, transaction, roots, cancellationToken);
        }
        else
        {
            await Execute(connection, transaction, """
                UPDATE runs r SET status = 'queued' WHERE r.root_run_id = ANY ($1) AND r.status = 'requires_approval'
                  AND NOT EXISTS (SELECT 1 FROM approvals a WHERE a.root_run_id = r.root_run_id AND a.status = 'pending')
                """, cancellationToken, roots);
        }
        await Execute(connection, transaction, "SELECT pg_notify('agent_runs', '')", cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        outbox.Nudge();
        logger.LogInformation("Expired {Count} approvals ({Policy})", expired.Count, options.Value.OnExpiry);
        return expired.Count;
    }

    async Task ExpireRunsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid[] roots, CancellationToken cancellationToken)
    {
        var ended = new List<RunFailed>();
        await using (var command = new NpgsqlCommand("""
            UPDATE runs SET status = 'expired', error_code = 'approval_expired', status_message = 'An approval expired.', completed_at = now()
            WHERE root_run_id = ANY ($1) AND status IN ('requires_approval', 'queued', 'running')
            RETURNING id, tenant_id, agent_id, agent_version, session_id, user_id, parent_run_id
            """, connection, transaction) { Parameters = { new() { Value = roots } } })
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                ended.Add(new RunFailed(reader.GetGuid(0), reader.GetGuid(2), reader.GetInt32(3), reader.GetGuid(4), reader.GetGuid(5),
                    reader.IsDBNull(6) ? null : reader.GetGuid(6), RunStatuses.Expired, "approval_expired", "An approval expired.", null)
                {
                    TenantId = reader.GetGuid(1).ToString(), Subject = reader.GetGuid(0).ToString(),
                });
            }
        }
        await Execute(connection, transaction, """
            UPDATE agent_sessions SET active_run_id = NULL, lease_owner = NULL, lease_expires_at = NULL, fencing_token = fencing_token + 1
            WHERE active_run_id = ANY ($1)
            """, cancellationToken, ended.Select(e => e.RunId).ToArray());
        foreach (var failed in ended)
        {
            await Execute(connection, transaction, OutboxRows.InsertSql, cancellationToken, OutboxRows.Values(failed, null));
        }
    }

    static async Task Execute(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken, params object?[] values)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
        }
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
