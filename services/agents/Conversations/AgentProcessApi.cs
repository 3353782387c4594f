using System.Text.Json.Nodes;
using AgentCloud.Agents.Apis;
using AgentCloud.Agents.Decisions;
using AgentCloud.Agents.Infrastructure;
using AgentCloud.Agents.Runs;
using AgentCloud.ServiceDefaults.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AgentCloud.Agents.Conversations;

/// <summary>Seed 002's body. <c>context</c> (business context, at most 8 KB) is shown to the model with this message.</summary>
public sealed record ProcessRequest(string? Message, JsonObject? Context, string? SessionId, string? AgentId);

/// <param name="Actions">Every tool call of the run: what it did or proposes, with its level and status.</param>
/// <param name="Confidence">The model's confidence 0–100, when it gave one.</param>
public sealed record ProcessResponse(
    string Response, string DecisionLevel, List<ProcessAction> Actions, string? Reasoning, double? Confidence, Guid SessionId, Guid RunId, string Status);

public sealed record ProcessAction(Guid Id, string Type, string DecisionLevel, string Status, JsonNode? Arguments, JsonNode? Result, Guid? ApprovalId);

public static class AgentProcessApi
{
    const int MaxContextBytes = 8 * 1024;

    public static IEndpointRouteBuilder MapAgentProcessApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/agent/process", Process).RequireUser().WithTags("Chat").WithName("ProcessMessage")
            .WithSummary("Seed 002: process a message; answers the decision level, the actions, reasoning and confidence");
        return app;
    }

    public static async Task<Results<Ok<ProcessResponse>, Accepted<RunAccepted>, NotFound, ValidationProblem, ProblemHttpResult>> Process(
        ProcessRequest? request, Caller caller, TurnService turns, AgentsDbContext db, HttpRequest http, IOptions<RuntimeOptions> options,
        [FromHeader(Name = "x-tenant-id")] string? tenantHeader, [FromHeader(Name = "x-user-id")] string? userHeader,
        [FromHeader(Name = "x-location-id")] string? locationHeader, CancellationToken cancellationToken)
    {
        var check = new Validation()
            .Check("x-tenant-id", Guid.TryParse(tenantHeader, out var tenantId), "The x-tenant-id header must be a UUID.")
            .Check("x-user-id", Guid.TryParse(userHeader, out var userId), "The x-user-id header must be a UUID.")
            .Check("x-location-id", TurnResponses.TryParseId(locationHeader, out var locationId), "The x-location-id header must be a UUID.")
            .Check("message", !string.IsNullOrWhiteSpace(request?.Message), "message is required.")
            .Check("message", request?.Message is null || request.Message.Length <= TurnResponses.MaxMessageLength,
                $"message is at most {TurnResponses.MaxMessageLength:N0} characters.")
            .Check("context", request?.Context is null || request.Context.ToJsonString().Length <= MaxContextBytes, "context is at most 8 KB of JSON.")
            .Check("sessionId", TurnResponses.TryParseId(request?.SessionId, out var sessionId), "sessionId must be a UUID.")
            .Check("agentId", TurnResponses.TryParseId(request?.AgentId, out var agentId), "agentId must be a UUID.");
        if (!check.IsValid)
        {
            return TypedResults.ValidationProblem(check.Errors);
        }
        if (tenantId != caller.TenantId || (locationId is { } location && !await db.Locations.AnyAsync(l => l.Id == location, cancellationToken)))
        {
            return TypedResults.NotFound();
        }
        if (userId != caller.UserId)
        {
            return TypedResults.Problem("x-user-id is not the user in the token.", statusCode: StatusCodes.Status403Forbidden);
        }
        var start = await turns.StartAsync(caller, new TurnRequest(agentId, sessionId, locationId, request!.Message!, request.Context, "api"), cancellationToken);
        if (start.Outcome == TurnOutcome.NotFound)
        {
            return TypedResults.NotFound();
        }
        if (start.Outcome == TurnOutcome.Conflict)
        {
            return TypedResults.Problem("A run is already active in this session and its agent rejects new messages meanwhile.", statusCode: StatusCodes.Status409Conflict);
        }
        var result = await turns.WaitAsync(start.RunId, start.Stopped, TurnResponses.WaitFor(http, options.Value.ChatWaitTimeout), cancellationToken);
        if (result is null)
        {
            return TypedResults.Accepted($"/runs/{start.RunId}", new RunAccepted(start.RunId, start.SessionId, "running"));
        }
        if (result.Status is not (RunStatuses.Completed or RunStatuses.RequiresApproval))
        {
            return TurnResponses.Failure(start.RunId, start.SessionId, result);
        }
        var steps = await db.RunSteps.AsNoTracking().Where(s => s.RunId == start.RunId).OrderBy(s => s.Seq).ToListAsync(cancellationToken);
        var actions = steps.Where(s => s.Kind == StepKinds.ToolCall).Select(s =>
        {
            var data = JsonNode.Parse(s.Data)!.AsObject();
            return new ProcessAction(s.Id, s.ToolKey!, s.DecisionLevel!, s.Status, (data["approvedArguments"] ?? data["arguments"])?.DeepClone(),
                data["result"]?.DeepClone(), JsonIds.Of(data["approvalId"]));
        }).ToList();
        var level = actions.Select(a => a.DecisionLevel).Aggregate(DecisionLevels.Automatic, DecisionLevels.Max);
        var decided = steps.LastOrDefault(s => s.Kind == StepKinds.ToolCall) is { } last ? JsonNode.Parse(last.Data) : null;
        var response = result.Status == RunStatuses.RequiresApproval
            ? $"Waiting for approval of: {string.Join(", ", actions.Where(a => a.Status == StepStatuses.AwaitingApproval).Select(a => a.Type))}."
            : result.Response;
        return TypedResults.Ok(new ProcessResponse(response, level, actions, (string?)decided?["reasoning"], (double?)decided?["confidence"],
            start.SessionId, start.RunId, result.Status));
    }
}
