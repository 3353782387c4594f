using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using AgentCloud.Agents.Agents;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AgentCloud.Agents.Conversations;

/// <summary>OpenAI's model object: one of the caller's agents (id = the agent's id), with its name and description.</summary>
public sealed record ModelObject(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("object")] string Object,
    [property: JsonPropertyName("created")] long Created,
    [property: JsonPropertyName("owned_by")] string OwnedBy,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("description")] string Description)
{
    public static ModelObject Of(CurrentAgent agent) =>
        new(agent.Id.ToString(), "model", agent.CreatedAt.ToUnixTimeSeconds(), agent.OwnerUserId.ToString(), agent.Definition.Name, agent.Definition.Description);
}

public sealed record ModelList([property: JsonPropertyName("object")] string Object, [property: JsonPropertyName("data")] List<ModelObject> Data);

public sealed record CompletionUsage(
    [property: JsonPropertyName("prompt_tokens")] long PromptTokens,
    [property: JsonPropertyName("completion_tokens")] long CompletionTokens,
    [property: JsonPropertyName("total_tokens")] long TotalTokens);

public sealed record CompletionMessage([property: JsonPropertyName("role")] string Role, [property: JsonPropertyName("content")] string Content);

public sealed record CompletionChoice(
    [property: JsonPropertyName("index")] int Index,
    [property: JsonPropertyName("message")] CompletionMessage Message,
    [property: JsonPropertyName("finish_reason")] string FinishReason);

/// <summary>OpenAI's chat.completion, plus the conversation to continue (<c>conversation_id</c>), the run and seed 004's <c>using_stub</c>.</summary>
public sealed record ChatCompletion(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("object")] string Object,
    [property: JsonPropertyName("created")] long Created,
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("choices")] List<CompletionChoice> Choices,
    [property: JsonPropertyName("usage")] CompletionUsage Usage,
    [property: JsonPropertyName("conversation_id")] Guid ConversationId,
    [property: JsonPropertyName("run_id")] Guid RunId,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("using_stub")] bool UsingStub,
    [property: JsonPropertyName("tool_calls")] JsonArray ToolCalls);

/// <summary>What a chat.completions request asks for, once checked.</summary>
public sealed record CompletionRequest(string Model, string Message, Guid? ConversationId, bool Stream, bool IncludeUsage);

/// <summary>
/// Errors of the /v1 API: ProblemDetails (as every endpoint here) that also carry OpenAI's <c>error</c> object
/// (<c>message, type, param, code</c>), which OpenAI's client libraries read.
/// </summary>
public static class OpenAiErrors
{
    public static ProblemHttpResult Problem(int status, string message, string type = "invalid_request_error", string? param = null, string? code = null,
        Dictionary<string, object?>? extensions = null)
    {
        extensions ??= [];
        extensions["error"] = new Dictionary<string, object?> { ["message"] = message, ["type"] = type, ["param"] = param, ["code"] = code };
        return TypedResults.Problem(message, statusCode: status, extensions: extensions);
    }

    public static ProblemHttpResult BadRequest(string param, string message) => Problem(StatusCodes.Status400BadRequest, message, param: param);

    /// <summary>Reads the request body: the last message is the user's turn; an error names the field.</summary>
    public static (CompletionRequest? Request, ProblemHttpResult? Error) Parse(JsonObject? body)
    {
        if (body is null)
        {
            return (null, BadRequest("body", "The body must be a JSON object."));
        }
        if (StringOf(body["model"]) is not { Length: > 0 and <= 200 } modelName)
        {
            return (null, BadRequest("model", "model is required: the id or the name of one of your agents (GET /v1/models)."));
        }
        if (body["messages"] is not JsonArray { Count: > 0 and <= 1000 } messages || messages.Any(m => m is not JsonObject))
        {
            return (null, BadRequest("messages", "messages must be a non-empty array (at most 1,000) of message objects."));
        }
        foreach (var field in new[] { "tools", "functions", "tool_choice", "function_call" })
        {
            if (body[field] is not null)
            {
                return (null, BadRequest(field, $"{field} is not supported: an agent's tools are its own (configure them on the agent)."));
            }
        }
        var last = messages[^1]!.AsObject();
        if (StringOf(last["role"]) != "user")
        {
            return (null, BadRequest("messages", "The last message must have role 'user': it is this turn's message to the agent."));
        }
        var text = Text(last["content"]);
        if (string.IsNullOrWhiteSpace(text) || text.Length > TurnResponses.MaxMessageLength)
        {
            return (null, BadRequest("messages", $"The last message's content must be text of 1 to {TurnResponses.MaxMessageLength:N0} characters."));
        }
        if (!Flag(body, "stream", out var stream) || body["stream_options"] is not (null or JsonObject)
            || !Flag(body["stream_options"] as JsonObject, "include_usage", out var includeUsage))
        {
            return (null, BadRequest("stream", "stream and stream_options.include_usage must be booleans."));
        }
        Guid? conversationId = null;
        if (body["conversation_id"] is { } conversation)
        {
            if (!Guid.TryParse(StringOf(conversation), out var id))
            {
                return (null, BadRequest("conversation_id", "conversation_id must be a UUID (from an earlier answer)."));
            }
            conversationId = id;
        }
        return (new CompletionRequest(modelName, text, conversationId, stream, includeUsage), null);
    }

    /// <summary>A message's content: a string, or the text parts of an array of content parts.</summary>
    static string? Text(JsonNode? content) => content switch
    {
        JsonValue value => StringOf(value),
        JsonArray parts when parts.All(p => p is JsonObject o && StringOf(o["type"]) == "text" && StringOf(o["text"]) is not null) =>
            string.Concat(parts.Select(p => StringOf(p!["text"]))),
        _ => null,
    };

    static string? StringOf(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    static bool Flag(JsonObject? parent, string name, out bool value)
    {
        value = false;
        var node = parent?[name];
        if (node is null)
        {
            return true;
        }
        if (node.GetValueKind() is System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False)
        {
            value = node.GetValue<bool>();
            return true;
        }
        return false;
    }
}
