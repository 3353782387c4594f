using System.Text.Json.Nodes;
using AgentCloud.Agents.Agents;
using AgentCloud.Agents.Runs;
using AgentCloud.ServiceDefaults.Auth;
using Npgsql;

namespace AgentCloud.Agents.Decisions;

public sealed record ApprovalDecision(Guid ApprovalId, bool Approve, JsonObject? Arguments, string? Reason);

public enum DecisionOutcome { Decided, NotFound, Forbidden, NotPending }

/// <summary>
/// Records people's decisions on proposed actions: who and when, the edited arguments of an approval, the reason of a
/// rejection (reported to the model as the call's result). When no decision is pending any more in a run's tree, its
/// root is queued again and a worker resumes it.
/// </summary>
public sealed class ApprovalService(NpgsqlDataSource dataSource, RunDispatcher dispatcher, TimeProvider time)
{
    /// <summary>
    /// Who may decide: a suggestion — the person who asked, the agent's owner, its team, or an admin; consultation and
    /// approval_required — the agent's owner or a tenant admin (seed 002: a coordinator).
    /// </summary>
    public static bool CanDecide(Caller caller, Approval approval) =>
        caller.IsUser && (caller.IsTenantAdmin || approval.AgentOwnerId == caller.UserId
            || (approval.DecisionLevel == DecisionLevels.Suggestion
                && (approval.RequestedBy == caller.UserId || AgentAccess.CanSee(caller, approval.AgentOwnerId, approval.AgentScope, approval.AgentTeamId))));

    public async Task<DecisionOutcome> DecideAsync(Caller caller, IReadOnlyList<ApprovalDecision> decisions, Func<Guid, Task<Approval?>> find,
        CancellationToken cancellationToken)
    {
        var approvals = new List<(Approval Approval, ApprovalDecision Decision)>();
        foreach (var decision in decisions)
        {
            if (await find(decision.ApprovalId) is not { } approval)
            {
                return DecisionOutcome.NotFound;
            }
            if (!CanDecide(caller, approval))
            {
                return DecisionOutcome.Forbidden;
            }
            approvals.Add((approval, decision));
        }
        var now = time.GetUtcNow();
        now = now.AddTicks(-(now.Ticks % 10)); // PostgreSQL keeps microseconds: compared below
        await using var batch = new SqlBatch(dataSource);
        foreach (var (approval, decision) in approvals)
        {
            // The WHERE status = 'pending' makes a late or repeated decision a no-op; the last statement checks all applied.
            batch.Add("""
                UPDATE approvals SET status = $2, decided_by = $3, decided_at = $4, edited_arguments = $5, reason = $6
                WHERE id = $1 AND status = 'pending'
                """, approval.Id, decision.Approve ? "approved" : "rejected", caller.UserId, now, Jsonb.From(decision.Arguments), decision.Reason);
            var data = new JsonObject { ["decidedBy"] = caller.UserId.ToString(), ["decidedAt"] = now };
            if (decision.Approve)
            {
                data["approvedArguments"] = decision.Arguments?.DeepClone();
            }
            else
            {
                data["result"] = new JsonObject
                {
                    ["status"] = "rejected",
                    ["message"] = "A person rejected this action" + (decision.Reason is { Length: > 0 } reason ? ": " + reason : "."),
                };
            }
            batch.Add("""
                UPDATE run_steps SET status = $2, data = data || $3, completed_at = CASE WHEN $2 = 'rejected' THEN $4 ELSE completed_at END
                WHERE id = $1 AND status = 'awaiting_approval'
                """, approval.StepId, decision.Approve ? "approved" : "rejected", Jsonb.From(data), now);
        }
        // All or nothing: when any of them was decided meanwhile, the division by zero rolls the whole batch back.
        batch.Add("SELECT 1 / (CASE WHEN count(*) = $3 THEN 1 ELSE 0 END) FROM approvals WHERE id = ANY ($1) AND decided_at = $2",
            approvals.Select(a => a.Approval.Id).ToArray(), now, (long)approvals.Count);
        foreach (var root in approvals.Select(a => a.Approval.RootRunId).Distinct())
        {
            batch.Add("""
                UPDATE runs SET status = 'queued' WHERE root_run_id = $1 AND status = 'requires_approval'
                  AND NOT EXISTS (SELECT 1 FROM approvals WHERE root_run_id = $1 AND status = 'pending')
                """, root);
        }
        batch.Add("SELECT pg_notify('agent_runs', '')");
        try
        {
            await batch.ExecuteAsync(cancellationToken);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.DivisionByZero)
        {
            return DecisionOutcome.NotPending;
        }
        dispatcher.Wake();
        return DecisionOutcome.Decided;
    }
}
