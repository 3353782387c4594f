using System.Text.Json.Nodes;
using AgentCloud.Agents.Infrastructure;
using AgentCloud.Agents.Runs;
using AgentCloud.ServiceDefaults.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace AgentCloud.Agents.Decisions;

public sealed record ApprovalView(Guid Id, Guid RunId, Guid RootRunId, Guid StepId, Guid SessionId, Guid AgentId, Guid RequestedBy, string ToolKey,
    string DecisionLevel, JsonNode? Arguments, string? Reasoning, float? Confidence, string Status, DateTimeOffset RequestedAt, DateTimeOffset ExpiresAt,
    Guid? DecidedBy, DateTimeOffset? DecidedAt, JsonNode? EditedArguments, string? Reason)
{
    public static ApprovalView From(Approval a) => new(a.Id, a.RunId, a.RootRunId, a.StepId, a.SessionId, a.AgentId, a.RequestedBy, a.ToolKey,
        a.DecisionLevel, JsonNode.Parse(a.Arguments), a.Reasoning, a.Confidence, a.Status, a.RequestedAt, a.ExpiresAt, a.DecidedBy, a.DecidedAt,
        a.EditedArguments is null ? null : JsonNode.Parse(a.EditedArguments), a.Reason);
}

public sealed record ApproveRequest(JsonObject? Arguments);

/// <summary>The approvals inbox: pending decisions the caller may take (their own requests, their teams' agents, or as coordinator).</summary>
public static class ApprovalsApi
{
    public static IEndpointRouteBuilder MapApprovalsApi(this IEndpointRouteBuilder app)
    {
        var approvals = app.MapGroup("/approvals").WithTags("Approvals").RequireUser();
        approvals.MapGet("/", Inbox).WithName("ApprovalsInbox");
        approvals.MapGet("/{id:guid}", GetApproval).WithName("GetApproval");
        approvals.MapPost("/{id:guid}/approve", Approve).WithName("Approve").WithSummary("Approve one proposed action, optionally with edited arguments");
        approvals.MapPost("/{id:guid}/reject", Reject).WithName("Reject");
        return app;
    }

    public static async Task<Ok<List<ApprovalView>>> Inbox(Caller caller, AgentsDbContext db, CancellationToken cancellationToken)
    {
        var pending = await db.Approvals.AsNoTracking().Where(a => a.Status == "pending").OrderBy(a => a.RequestedAt).Take(1_000).ToListAsync(cancellationToken);
        return TypedResults.Ok(pending.Where(a => ApprovalService.CanDecide(caller, a)).Select(ApprovalView.From).ToList());
    }

    public static async Task<Results<Ok<ApprovalView>, NotFound>> GetApproval(Guid id, Caller caller, AgentsDbContext db, CancellationToken cancellationToken) =>
        await Find(id, caller, db, cancellationToken) is { } approval ? TypedResults.Ok(ApprovalView.From(approval)) : TypedResults.NotFound();

    public static async Task<Results<NoContent, NotFound, ValidationProblem, ProblemHttpResult>> Approve(Guid id, ApproveRequest? request, Caller caller,
        AgentsDbContext db, ApprovalService approvals, CancellationToken cancellationToken)
    {
        if (request?.Arguments is { } arguments && arguments.ToJsonString().Length > 64 * 1024)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["arguments"] = ["arguments are at most 64 KB."] });
        }
        return ToResult(await approvals.DecideAsync(caller, [new ApprovalDecision(id, true, request?.Arguments, null)],
            approvalId => Find(approvalId, caller, db, cancellationToken), cancellationToken));
    }

    public static async Task<Results<NoContent, NotFound, ValidationProblem, ProblemHttpResult>> Reject(Guid id, RejectRequest? request, Caller caller,
        AgentsDbContext db, ApprovalService approvals, CancellationToken cancellationToken)
    {
        if (request?.Reason is { Length: > 2_000 })
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["reason"] = ["reason is at most 2,000 characters."] });
        }
        return ToResult(await approvals.DecideAsync(caller, [new ApprovalDecision(id, false, null, request?.Reason)],
            approvalId => Find(approvalId, caller, db, cancellationToken), cancellationToken));
    }

    /// <summary>An approval the caller may see: one they may decide, or of their own run.</summary>
    static async Task<Approval?> Find(Guid id, Caller caller, AgentsDbContext db, CancellationToken cancellationToken) =>
        await db.Approvals.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, cancellationToken) is { } approval
            && (approval.RequestedBy == caller.UserId || ApprovalService.CanDecide(caller, approval))
            ? approval
            : null;

    public static Results<NoContent, NotFound, ValidationProblem, ProblemHttpResult> ToResult(DecisionOutcome outcome) => outcome switch
    {
        DecisionOutcome.Decided => TypedResults.NoContent(),
        DecisionOutcome.NotFound => TypedResults.NotFound(),
        DecisionOutcome.Forbidden => TypedResults.Problem("Only the agent's owner or a tenant admin may decide this action (anyone concerned, for a suggestion).",
            statusCode: StatusCodes.Status403Forbidden),
        _ => TypedResults.Problem("The action was already decided or expired.", statusCode: StatusCodes.Status409Conflict),
    };
}
