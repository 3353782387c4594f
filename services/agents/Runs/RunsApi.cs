using System.Text.Json;
using System.Text.Json.Nodes;
using AgentCloud.Agents.Decisions;
using AgentCloud.Agents.Infrastructure;
using AgentCloud.ServiceDefaults.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace AgentCloud.Agents.Runs;

public sealed record ApproveRunRequest(List<EditedAction>? Actions);

/// <summary>An edit of one proposed call's arguments when approving (by its step id).</summary>
public sealed record EditedAction(Guid StepId, JsonObject? Arguments);

public sealed record RejectRequest(string? Reason);

public static class RunsApi
{
    public static IEndpointRouteBuilder MapRunsApi(this IEndpointRouteBuilder app)
    {
        var runs = app.MapGroup("/runs").WithTags("Runs").RequireUser();
        runs.MapGet("/", ListRuns).WithName("ListRuns").WithSummary("Your runs (admins: the tenant's), newest first");
        runs.MapGet("/{id:guid}", GetRun).WithName("GetRun").WithSummary("A run with its steps");
        runs.MapGet("/{id:guid}/stream", RunStream.StreamAsync).WithName("StreamRun")
            .WithSummary("Server-Sent Events: step, token and status events; resumable with Last-Event-ID");
        runs.MapPost("/{id:guid}/cancel", CancelRun).WithName("CancelRun");
        runs.MapPost("/{id:guid}/approve", ApproveRun).WithName("ApproveRun").WithSummary("Approve every pending action of the run, optionally with edited arguments");
        runs.MapPost("/{id:guid}/reject", RejectRun).WithName("RejectRun").WithSummary("Reject every pending action; the model is told and continues");
        return app;
    }

    public static bool CanSee(Caller caller, Run run) => run.UserId == caller.UserId || caller.IsTenantAdmin;

    public static async Task<Results<Ok<List<RunView>>, ValidationProblem>> ListRuns(Guid? conversationId, string? status, int? limit, Caller caller,
        AgentsDbContext db, CancellationToken cancellationToken)
    {
        if (limit is < 1 or > 200 || (status is not null && !RunStatuses.IsFinal(status) && status is not (RunStatuses.Queued or RunStatuses.Running or RunStatuses.RequiresApproval)))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["query"] = ["limit is 1 to 200; status is a run status."] });
        }
        var runs = await db.Runs.AsNoTracking()
            .Where(r => (r.UserId == caller.UserId || caller.IsTenantAdmin) && r.ParentRunId == null
                && (conversationId == null || r.SessionId == conversationId) && (status == null || r.Status == status))
            .OrderByDescending(r => r.CreatedAt).Take(limit ?? 50).ToListAsync(cancellationToken);
        return TypedResults.Ok(runs.Select(r => RunView.From(r, null)).ToList());
    }

    public static async Task<Results<Ok<RunView>, NotFound>> GetRun(Guid id, Caller caller, AgentsDbContext db, CancellationToken cancellationToken)
    {
        var run = await db.Runs.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, cancellationToken);
        if (run is null || !CanSee(caller, run))
        {
            return TypedResults.NotFound();
        }
        var steps = await db.RunSteps.AsNoTracking().Where(s => s.RunId == id).OrderBy(s => s.Seq).ToListAsync(cancellationToken);
        return TypedResults.Ok(RunView.From(run, [.. steps.Select(StepView.From)]));
    }

    public static async Task<Results<Ok<RunView>, NotFound, ProblemHttpResult>> CancelRun(Guid id, Caller caller, AgentsDbContext db, RunCancellation cancellation,
        CancellationToken cancellationToken)
    {
        var run = await db.Runs.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id && r.ParentRunId == null, cancellationToken);
        if (run is null || !CanSee(caller, run))
        {
            return TypedResults.NotFound();
        }
        if (!await cancellation.CancelAsync(run, $"Cancelled by {caller.UserId}.", cancellationToken))
        {
            return TypedResults.Problem($"The run already ended ({run.Status}).", statusCode: StatusCodes.Status409Conflict);
        }
        var after = await db.Runs.AsNoTracking().FirstAsync(r => r.Id == id, cancellationToken);
        return TypedResults.Ok(RunView.From(after, null));
    }

    public static async Task<Results<NoContent, NotFound, ValidationProblem, ProblemHttpResult>> ApproveRun(Guid id, ApproveRunRequest? request, Caller caller,
        AgentsDbContext db, ApprovalService approvals, CancellationToken cancellationToken)
    {
        var edits = request?.Actions ?? [];
        if (edits.Any(e => e is null || e.Arguments is null || e.Arguments.ToJsonString().Length > 64 * 1024))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["actions"] = ["Each action needs a stepId and an arguments object (at most 64 KB)."] });
        }
        return await DecideRunAsync(id, caller, db, approvals, a => new ApprovalDecision(a.Id, true, edits.FirstOrDefault(e => e.StepId == a.StepId)?.Arguments, null),
            edits.Select(e => e.StepId).ToList(), cancellationToken);
    }

    public static async Task<Results<NoContent, NotFound, ValidationProblem, ProblemHttpResult>> RejectRun(Guid id, RejectRequest? request, Caller caller,
        AgentsDbContext db, ApprovalService approvals, CancellationToken cancellationToken)
    {
        if (request?.Reason is { Length: > 2_000 })
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["reason"] = ["reason is at most 2,000 characters."] });
        }
        return await DecideRunAsync(id, caller, db, approvals, a => new ApprovalDecision(a.Id, false, null, request?.Reason), [], cancellationToken);
    }

    static async Task<Results<NoContent, NotFound, ValidationProblem, ProblemHttpResult>> DecideRunAsync(Guid id, Caller caller, AgentsDbContext db,
        ApprovalService approvals, Func<Approval, ApprovalDecision> decide, List<Guid> editedSteps, CancellationToken cancellationToken)
    {
        var pending = await db.Approvals.AsNoTracking().Where(a => (a.RootRunId == id || a.RunId == id) && a.Status == "pending").ToListAsync(cancellationToken);
        var run = await db.Runs.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, cancellationToken);
        if (run is null || (!CanSee(caller, run) && !pending.Any(a => ApprovalService.CanDecide(caller, a))))
        {
            return TypedResults.NotFound();
        }
        if (pending.Count == 0)
        {
            return TypedResults.Problem("The run has no action waiting for a decision.", statusCode: StatusCodes.Status409Conflict);
        }
        if (editedSteps.Except(pending.Select(a => a.StepId)).Any())
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["actions"] = ["A stepId is not one of the run's pending actions."] });
        }
        return ApprovalsApi.ToResult(await approvals.DecideAsync(caller, [.. pending.Select(decide)],
            approvalId => Task.FromResult(pending.FirstOrDefault(a => a.Id == approvalId)), cancellationToken));
    }
}
