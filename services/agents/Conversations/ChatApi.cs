using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using AgentCloud.Agents.Runs;
using AgentCloud.Agents.Apis;
using AgentCloud.ServiceDefaults.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace AgentCloud.Agents.Conversations;

/// <summary>Seed 004's request: <c>conversation_id</c> and <c>agent_id</c> are optional (a new conversation; the default Assistant).</summary>
public sealed record ChatRequest(
    [property: JsonPropertyName("message")] string? Message,
    [property: JsonPropertyName("conversation_id")] string? ConversationId,
    [property: JsonPropertyName("agent_id")] string? AgentId);

/// <summary>Seed 004's response, plus the run it came from.</summary>
public sealed record ChatResponse(
    [property: JsonPropertyName("session_id")] Guid SessionId,
    [property: JsonPropertyName("message_id")] Guid? MessageId,
    [property: JsonPropertyName("response")] string Response,
    [property: JsonPropertyName("timestamp")] DateTimeOffset Timestamp,
    [property: JsonPropertyName("tool_calls")] JsonArray ToolCalls,
    [property: JsonPropertyName("tool_results")] JsonArray ToolResults,
    [property: JsonPropertyName("using_stub")] bool UsingStub,
    [property: JsonPropertyName("run_id")] Guid RunId,
    [property: JsonPropertyName("status")] string Status);

public static class ChatApi
{
    public static IEndpointRouteBuilder MapChatApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/{userId}/chat", Chat).RequireUser().WithTags("Chat").WithName("Chat")
            .WithSummary("Seed 004: send a message, get the agent's answer (202 with the run id if it takes longer, or needs approval)");
        return app;
    }

    public static async Task<Results<Ok<ChatResponse>, Accepted<RunAccepted>, NotFound, ValidationProblem, ProblemHttpResult>> Chat(
        string userId, ChatRequest? request, Caller caller, TurnService turns, HttpRequest http, IOptions<RuntimeOptions> options,
        CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(userId, out var routeUser))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["user_id"] = ["user_id must be a UUID."] });
        }
        if (routeUser != caller.UserId)
        {
            return TypedResults.Problem("The user in the URL is not the user in the token.", statusCode: StatusCodes.Status403Forbidden);
        }
        var check = new Validation()
            .Check("message", !string.IsNullOrWhiteSpace(request?.Message), "message is required.")
            .Check("message", request?.Message is null || request.Message.Length <= TurnResponses.MaxMessageLength,
                $"message is at most {TurnResponses.MaxMessageLength:N0} characters.")
            .Check("conversation_id", TurnResponses.TryParseId(request?.ConversationId, out var conversationId), "conversation_id must be a UUID.")
            .Check("agent_id", TurnResponses.TryParseId(request?.AgentId, out var agentId), "agent_id must be a UUID.");
        if (!check.IsValid)
        {
            return TypedResults.ValidationProblem(check.Errors);
        }
        var start = await turns.StartAsync(caller, new TurnRequest(agentId, conversationId, null, request!.Message!, null, "message"), cancellationToken);
        switch (start.Outcome)
        {
            case TurnOutcome.NotFound:
                return TypedResults.NotFound();
            case TurnOutcome.Conflict:
                return TypedResults.Problem("A run is already active in this conversation and its agent rejects new messages meanwhile.",
                    statusCode: StatusCodes.Status409Conflict, extensions: new Dictionary<string, object?> { ["sessionId"] = start.SessionId });
        }
        var result = await turns.WaitAsync(start.RunId, start.Stopped, TurnResponses.WaitFor(http, options.Value.ChatWaitTimeout), cancellationToken);
        if (result is null || result.Status == RunStatuses.RequiresApproval)
        {
            return TypedResults.Accepted($"/runs/{start.RunId}", new RunAccepted(start.RunId, start.SessionId, result?.Status ?? "running"));
        }
        if (result.Status != RunStatuses.Completed)
        {
            return TurnResponses.Failure(start.RunId, start.SessionId, result);
        }
        return TypedResults.Ok(new ChatResponse(start.SessionId, result.MessageId, result.Response, result.Timestamp, result.ToolCalls,
            result.ToolResults, result.UsingStub, start.RunId, result.Status));
    }
}
