using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace AgentCloud.Agents.Models;

/// <summary>
/// The built-in model (seed 004's stub), used when no provider is configured and as the fallback after provider
/// errors. It maps a message that clearly asks for one of the offered tools to that tool, with the arguments it can
/// extract (<see cref="OfflineToolMatcher"/>); after tool results it reports them; otherwise it answers plainly. Every
/// answer says it comes from the offline model. It reports its confidence as
/// <see cref="ConfidenceProperty"/> (0–100), which the decision engine reads.
/// </summary>
public sealed class OfflineChatClient : IChatClient
{
    public const string ModelName = "agentcloud-offline";

    /// <summary>ChatResponse.AdditionalProperties key any client may set: its confidence in the proposed calls, 0–100.</summary>
    public const string ConfidenceProperty = "agentcloud.confidence";

    const string Preamble = "[offline model] ";

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var history = messages as IReadOnlyList<ChatMessage> ?? [.. messages];
        var last = history.Count > 0 ? history[^1] : new ChatMessage(ChatRole.User, "");
        var response = last.Role == ChatRole.Tool ? ReportResults(history)
            : OfflineToolMatcher.Match(last.Text, options?.Tools) is { } call ? Call(call)
            : Plain(last.Text, options?.Tools);
        response.ModelId = ModelName;
        response.CreatedAt = DateTimeOffset.UtcNow;
        return Task.FromResult(response);
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var update in (await GetResponseAsync(messages, options, cancellationToken)).ToChatResponseUpdates())
        {
            yield return update;
        }
    }

    static ChatResponse Call(OfflineToolCall call)
    {
        var message = new ChatMessage(ChatRole.Assistant,
        [
            new TextContent($"{Preamble}Calling {call.Name}."),
            new FunctionCallContent($"offline_{Guid.NewGuid():N}", call.Name, call.Arguments),
        ]);
        return new ChatResponse(message)
        {
            FinishReason = ChatFinishReason.ToolCalls,
            AdditionalProperties = new() { [ConfidenceProperty] = call.Confidence },
        };
    }

    static ChatResponse ReportResults(IReadOnlyList<ChatMessage> history)
    {
        var names = history.SelectMany(m => m.Contents).OfType<FunctionCallContent>().ToDictionary(c => c.CallId, c => c.Name);
        var text = new StringBuilder(Preamble.TrimEnd());
        for (var i = history.Count - 1; i >= 0 && history[i].Role == ChatRole.Tool; i--)
        {
            foreach (var result in history[i].Contents.OfType<FunctionResultContent>())
            {
                text.Append(' ').Append(names.GetValueOrDefault(result.CallId, "the tool")).Append(": ").Append(Describe(result.Result)).Append('.');
            }
        }
        return new ChatResponse(new ChatMessage(ChatRole.Assistant, text.ToString())) { FinishReason = ChatFinishReason.Stop };
    }

    static ChatResponse Plain(string said, IList<AITool>? tools)
    {
        var offered = tools?.OfType<AIFunctionDeclaration>().Select(t => t.Name).ToList() ?? [];
        var text = offered.Count == 0
            ? $"{Preamble}No AI model is configured, so I can only answer simply. I received your message ({said.Length} characters)."
            : $"{Preamble}No AI model is configured, so I can only run a tool when a message clearly asks for one "
              + $"(for example \"what time is it?\"). My tools: {string.Join(", ", offered)}.";
        return new ChatResponse(new ChatMessage(ChatRole.Assistant, text)) { FinishReason = ChatFinishReason.Stop };
    }

    /// <summary>A tool's output (or its error's message), as JSON a person reads: no escaped '+' or accents.</summary>
    static string Describe(object? result)
    {
        if (result is string text && text.StartsWith('{'))
        {
            try
            {
                result = JsonDocument.Parse(text).RootElement; // the runtime hands tool results over as their JSON text
            }
            catch (JsonException)
            {
            }
        }
        var json = result switch
        {
            JsonElement { ValueKind: JsonValueKind.Object } call when call.TryGetProperty("output", out var output) && output.ValueKind != JsonValueKind.Null =>
                JsonSerializer.Serialize(output, Readable),
            JsonElement { ValueKind: JsonValueKind.Object } call when call.TryGetProperty("error", out var error)
                && error.ValueKind == JsonValueKind.Object && error.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String =>
                message.GetString()!,
            JsonElement element => JsonSerializer.Serialize(element, Readable),
            string s => s,
            null => "no result",
            _ => JsonSerializer.Serialize(result),
        };
        return json.Length <= 600 ? json : json[..600] + "…";
    }

    static readonly JsonSerializerOptions Readable = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType.IsInstanceOfType(this) ? this
        : serviceType == typeof(ChatClientMetadata) ? new ChatClientMetadata("agentcloud-offline", null, ModelName)
        : null;

    public void Dispose()
    {
    }
}
