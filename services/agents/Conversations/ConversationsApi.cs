using System.Text.Json.Nodes;
using AgentCloud.Agents.Infrastructure;
using AgentCloud.ServiceDefaults.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace AgentCloud.Agents.Conversations;

public sealed record ConversationView(Guid Id, Guid UserId, Guid AgentId, Guid? LocationId, string Title, string? Summary, Guid? ActiveRunId,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

public sealed record MessageView(Guid Id, Guid SessionId, Guid? RunId, string Role, string Content, JsonNode? ToolCalls, JsonNode? ToolResults,
    int? InputTokens, int? OutputTokens, DateTimeOffset Timestamp);

/// <summary>Seed 002's conversation endpoints. A user reads their own conversations; a tenant admin reads anyone's.</summary>
public static class ConversationsApi
{
    public static IEndpointRouteBuilder MapConversationsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/agent/conversations/{tenantId:guid}").WithTags("Conversations").RequireUser().RequireTenantFromRoute();
        group.MapGet("/users/{userId:guid}", ListConversations).WithName("ListConversations");
        group.MapGet("/sessions/{sessionId:guid}", GetConversation).WithName("GetConversation");
        group.MapGet("/sessions/{sessionId:guid}/messages", ListMessages).WithName("ListConversationMessages");
        return app;
    }

    public static async Task<Results<Ok<List<ConversationView>>, ValidationProblem, ProblemHttpResult>> ListConversations(
        Guid tenantId, Guid userId, int? limit, Caller caller, AgentsDbContext db, CancellationToken cancellationToken)
    {
        if (limit is < 1 or > 100)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["limit"] = ["limit is 1 to 100."] });
        }
        if (userId != caller.UserId && !caller.IsTenantAdmin)
        {
            return TypedResults.Problem("You may list only your own conversations.", statusCode: StatusCodes.Status403Forbidden);
        }
        return TypedResults.Ok(await db.Conversations.AsNoTracking().Where(c => c.UserId == userId && c.ParentSessionId == null)
            .OrderByDescending(c => c.UpdatedAt).Take(limit ?? 10)
            .Select(c => new ConversationView(c.Id, c.UserId, c.AgentId, c.LocationId, c.Title, c.Summary, c.ActiveRunId, c.CreatedAt, c.UpdatedAt))
            .ToListAsync(cancellationToken));
    }

    public static async Task<Results<Ok<ConversationView>, NotFound>> GetConversation(Guid tenantId, Guid sessionId, Caller caller, AgentsDbContext db,
        CancellationToken cancellationToken) =>
        await db.Conversations.AsNoTracking().Where(c => c.Id == sessionId && (c.UserId == caller.UserId || caller.IsTenantAdmin))
            .Select(c => new ConversationView(c.Id, c.UserId, c.AgentId, c.LocationId, c.Title, c.Summary, c.ActiveRunId, c.CreatedAt, c.UpdatedAt))
            .FirstOrDefaultAsync(cancellationToken) is { } found ? TypedResults.Ok(found) : TypedResults.NotFound();

    /// <summary>The newest <c>limit</c> messages (before <c>before</c> when given), oldest first.</summary>
    public static async Task<Results<Ok<List<MessageView>>, NotFound, ValidationProblem>> ListMessages(
        Guid tenantId, Guid sessionId, int? limit, DateTimeOffset? before, Caller caller, AgentsDbContext db, CancellationToken cancellationToken)
    {
        if (limit is < 1 or > 200)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["limit"] = ["limit is 1 to 200."] });
        }
        if (!await db.Conversations.AnyAsync(c => c.Id == sessionId && (c.UserId == caller.UserId || caller.IsTenantAdmin), cancellationToken))
        {
            return TypedResults.NotFound();
        }
        var messages = await db.Messages.AsNoTracking().Where(m => m.SessionId == sessionId && (before == null || m.Timestamp < before))
            .OrderByDescending(m => m.Seq).Take(limit ?? 20).ToListAsync(cancellationToken);
        return TypedResults.Ok(messages.OrderBy(m => m.Seq).Select(m => new MessageView(m.Id, m.SessionId, m.RunId, m.Role, m.Content,
            m.ToolCalls is null ? null : JsonNode.Parse(m.ToolCalls), m.ToolCallResults is null ? null : JsonNode.Parse(m.ToolCallResults),
            m.InputTokens, m.OutputTokens, m.Timestamp)).ToList());
    }
}
