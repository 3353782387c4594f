using System.Text.Json.Nodes;
using Npgsql;

namespace AgentCloud.Agents.Runs;

public sealed record EnqueueCommand(
    Guid RunId, Guid TenantId, Guid SessionId, Guid AgentId, int AgentVersion, Guid UserId, Guid? LocationId, string Title,
    string InputKind, JsonObject Input, string Policy, string? Worker, string? TraceParent);

public sealed record RunStatusRow(
    string Status, Guid AgentId, int AgentVersion, long InputTokens, long OutputTokens, long TokensCharged, bool UsingStub, string? Response,
    string? ErrorCode, string? Message);

public sealed record EnqueueResult(string Outcome, long? Fencing, Guid[] Interrupted);

/// <summary>
/// The queue's transitions (SQL functions in Migrations/0006_run_queue.sql) and a run's load, each one round trip.
/// Workers write through <see cref="RunWriter"/>.
/// </summary>
public sealed class RunStore(NpgsqlDataSource dataSource, Microsoft.Extensions.Options.IOptions<RuntimeOptions> options)
{
    public RuntimeOptions Options => options.Value;

    public async Task<EnqueueResult> EnqueueAsync(EnqueueCommand c, string origin, CancellationToken cancellationToken)
    {
        await using var batch = new SqlBatch(dataSource).Add(
            "SELECT outcome, fencing, interrupted FROM runtime_enqueue($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
            c.RunId, c.TenantId, c.SessionId, c.AgentId, c.AgentVersion, c.UserId, c.LocationId, c.Title, c.InputKind,
            Jsonb.From(c.Input), c.Policy, c.Worker, Options.LeaseDuration, Options.MaxConcurrentRunsPerTenant, origin, c.TraceParent);
        await using var reader = await batch.ReadAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new EnqueueResult(reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetInt64(1), reader.GetFieldValue<Guid[]>(2));
    }

    public async Task<List<ClaimedRun>> ClaimAsync(string worker, int max, CancellationToken cancellationToken)
    {
        await using var batch = new SqlBatch(dataSource).Add("SELECT run_id, fencing, agent_id, agent_version FROM runtime_claim($1, $2, $3, $4)",
            worker, Options.LeaseDuration, Options.MaxConcurrentRunsPerTenant, max);
        await using var reader = await batch.ReadAsync(cancellationToken);
        var claimed = new List<ClaimedRun>();
        while (await reader.ReadAsync(cancellationToken))
        {
            claimed.Add(new ClaimedRun(reader.GetGuid(0), reader.GetInt64(1), reader.GetGuid(2), reader.GetInt32(3)));
        }
        return claimed;
    }

    /// <summary>Takes a sub-agent run for its root's worker; null when a live worker holds it.</summary>
    public async Task<long?> TakeAsync(Guid runId, string worker, CancellationToken cancellationToken)
    {
        await using var batch = new SqlBatch(dataSource).Add("SELECT runtime_take($1, $2, $3)", runId, worker, Options.LeaseDuration);
        await using var reader = await batch.ReadAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return reader.IsDBNull(0) ? null : reader.GetInt64(0);
    }

    /// <summary>Lets the runs this worker holds be claimed at once elsewhere (graceful shutdown).</summary>
    public async Task ReleaseLeasesAsync(string worker, CancellationToken cancellationToken)
    {
        await using var batch = new SqlBatch(dataSource).Add(
            "UPDATE agent_sessions SET lease_owner = NULL, lease_expires_at = NULL WHERE lease_owner = $1", worker)
            .Add("SELECT pg_notify('agent_runs', '')");
        await batch.ExecuteAsync(cancellationToken);
    }

    public async Task<RunSnapshot> LoadAsync(Guid runId, int historyWindow, CancellationToken cancellationToken)
    {
        await using var batch = new SqlBatch(dataSource)
            .Add("""
                SELECT r.id, r.tenant_id, r.session_id, r.agent_id, r.agent_version, r.user_id, r.location_id, r.parent_run_id,
                       r.root_run_id, r.depth, r.input_kind, r.input::text, r.origin, r.trace_parent, r.created_at,
                       s.summary, s.summarized_through,
                       (SELECT count(*)::int FROM agent_messages m WHERE m.session_id = r.session_id AND m.seq > s.summarized_through),
                       (SELECT display_name FROM users WHERE id = r.user_id), (SELECT email FROM users WHERE id = r.user_id),
                       (SELECT name FROM tenants WHERE id = r.tenant_id), (SELECT name FROM locations WHERE id = r.location_id),
                       r.input_tokens, r.output_tokens, r.model_calls, r.tool_calls, r.tokens_charged, r.using_stub
                FROM runs r JOIN agent_sessions s ON s.id = r.session_id WHERE r.id = $1
                """, runId)
            .Add("""
                SELECT id, seq, kind, status, tool_key, call_id, decision_level, data::text, created_at, completed_at
                FROM run_steps WHERE run_id = $1 ORDER BY seq
                """, runId)
            .Add("""
                SELECT m.id, m.seq, m.role, m.content, m.tool_calls::text, m.tool_call_results::text, m.token_count
                FROM runs r JOIN agent_sessions s ON s.id = r.session_id
                JOIN LATERAL (SELECT * FROM agent_messages x WHERE x.session_id = s.id AND x.seq > s.summarized_through
                              ORDER BY x.seq DESC LIMIT $2) m ON true
                WHERE r.id = $1 ORDER BY m.seq
                """, runId, historyWindow)
            .Add("""
                SELECT f.fact FROM runs r JOIN LATERAL (SELECT fact, created_at FROM user_facts x
                    WHERE x.tenant_id = r.tenant_id AND x.user_id = r.user_id ORDER BY x.created_at DESC LIMIT 50) f ON true
                WHERE r.id = $1 ORDER BY f.created_at
                """, runId);
        await using var reader = await batch.ReadAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            throw new InvalidOperationException($"Run {runId} does not exist.");
        }
        var run = new RunRecord(reader.GetGuid(0), reader.GetGuid(1), reader.GetGuid(2), reader.GetGuid(3), reader.GetInt32(4), reader.GetGuid(5),
            NullableGuid(reader, 6), NullableGuid(reader, 7), reader.GetGuid(8), reader.GetInt32(9), reader.GetString(10),
            JsonNode.Parse(reader.GetString(11))!.AsObject(), NullableString(reader, 12), NullableString(reader, 13), reader.GetFieldValue<DateTimeOffset>(14));
        var (summary, summarizedThrough, unsummarized) = (NullableString(reader, 15), reader.GetInt64(16), reader.GetInt32(17));
        var names = new RunNames(NullableString(reader, 18), NullableString(reader, 19), NullableString(reader, 20), NullableString(reader, 21));
        var totals = new AgentCloud.Agents.Loop.UsageDelta(reader.GetInt64(22), reader.GetInt64(23), reader.GetInt32(24), reader.GetInt32(25),
            reader.GetInt64(26), reader.GetBoolean(27));

        await reader.NextResultAsync(cancellationToken);
        var steps = new List<StepRecord>();
        while (await reader.ReadAsync(cancellationToken))
        {
            steps.Add(new StepRecord
            {
                Id = reader.GetGuid(0), Seq = reader.GetInt32(1), Kind = reader.GetString(2), Status = reader.GetString(3),
                ToolKey = NullableString(reader, 4), CallId = NullableString(reader, 5), DecisionLevel = NullableString(reader, 6),
                Data = JsonNode.Parse(reader.GetString(7))!.AsObject(), CreatedAt = reader.GetFieldValue<DateTimeOffset>(8),
                CompletedAt = reader.IsDBNull(9) ? null : reader.GetFieldValue<DateTimeOffset>(9),
            });
        }

        await reader.NextResultAsync(cancellationToken);
        var history = new List<HistoryMessage>();
        while (await reader.ReadAsync(cancellationToken))
        {
            history.Add(new HistoryMessage(reader.GetGuid(0), reader.GetInt64(1), reader.GetString(2), reader.GetString(3),
                NullableString(reader, 4) is { } calls ? JsonNode.Parse(calls)?.AsArray() : null,
                NullableString(reader, 5) is { } results ? JsonNode.Parse(results)?.AsArray() : null, reader.GetInt32(6)));
        }

        await reader.NextResultAsync(cancellationToken);
        var facts = new List<string>();
        while (await reader.ReadAsync(cancellationToken))
        {
            facts.Add(reader.GetString(0));
        }
        return new RunSnapshot(run, steps, history, summary, summarizedThrough, unsummarized, facts, names, totals);
    }

    /// <summary>Messages between the summary and the window (oldest first), for the summarize step.</summary>
    public async Task<List<HistoryMessage>> LoadUnsummarizedAsync(Guid sessionId, long after, long before, CancellationToken cancellationToken)
    {
        await using var batch = new SqlBatch(dataSource).Add("""
            SELECT id, seq, role, content, tool_calls::text, tool_call_results::text, token_count FROM agent_messages
            WHERE session_id = $1 AND seq > $2 AND seq < $3 ORDER BY seq LIMIT 500
            """, sessionId, after, before);
        await using var reader = await batch.ReadAsync(cancellationToken);
        var messages = new List<HistoryMessage>();
        while (await reader.ReadAsync(cancellationToken))
        {
            messages.Add(new HistoryMessage(reader.GetGuid(0), reader.GetInt64(1), reader.GetString(2), reader.GetString(3), null, null, reader.GetInt32(6)));
        }
        return messages;
    }

    public async Task<bool> CredentialUsedAsync(Guid tenantId, Guid agentId, Guid credentialId, CancellationToken cancellationToken)
    {
        await using var batch = new SqlBatch(dataSource).Add(
            "SELECT EXISTS (SELECT 1 FROM credential_uses WHERE tenant_id = $1 AND agent_id = $2 AND credential_id = $3)", tenantId, agentId, credentialId);
        await using var reader = await batch.ReadAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return reader.GetBoolean(0);
    }

    public async Task<RunStatusRow> ReadStatusAsync(Guid runId, CancellationToken cancellationToken)
    {
        await using var batch = new SqlBatch(dataSource).Add("""
            SELECT r.status, r.agent_id, r.agent_version, r.input_tokens, r.output_tokens, r.tokens_charged, r.using_stub,
                   (SELECT content FROM agent_messages WHERE id = r.response_message_id), r.error_code, r.status_message
            FROM runs r WHERE r.id = $1
            """, runId);
        await using var reader = await batch.ReadAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            throw new InvalidOperationException($"Run {runId} does not exist.");
        }
        return new RunStatusRow(reader.GetString(0), reader.GetGuid(1), reader.GetInt32(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5),
            reader.GetBoolean(6), NullableString(reader, 7), NullableString(reader, 8), NullableString(reader, 9));
    }

    public SqlBatch NewBatch() => new(dataSource);

    static Guid? NullableGuid(NpgsqlDataReader reader, int i) => reader.IsDBNull(i) ? null : reader.GetGuid(i);

    static string? NullableString(NpgsqlDataReader reader, int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
}
