using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using AgentCloud.Agents.Agents;
using AgentCloud.Agents.Models;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace AgentCloud.Agents.FunctionalTests.Runtime;

/// <summary>
/// A deterministic model for tests: <see cref="Script"/> decides each answer from the messages it is given (so many
/// conversations can use it at once), and every call's messages are kept for assertions. Optional delay per call.
/// </summary>
public sealed class ScriptedChatClient(Func<IReadOnlyList<ChatMessage>, ChatOptions?, ChatResponse> script) : IChatClient
{
    public Func<IReadOnlyList<ChatMessage>, ChatOptions?, ChatResponse> Script { get; set; } = script;

    public ConcurrentQueue<IReadOnlyList<ChatMessage>> Calls { get; } = new();

    public TimeSpan Delay { get; set; }

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var list = messages.ToList();
        Calls.Enqueue(list);
        if (Delay > TimeSpan.Zero)
        {
            await Task.Delay(Delay, cancellationToken);
        }
        var response = Script(list, options);
        response.ModelId ??= "scripted";
        return response;
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var update in (await GetResponseAsync(messages, options, cancellationToken)).ToChatResponseUpdates())
        {
            yield return update;
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose()
    {
    }

    public static ChatResponse Reply(string text, long? inputTokens = null, long? outputTokens = null) =>
        new(new ChatMessage(ChatRole.Assistant, text))
        {
            Usage = inputTokens is null ? null : new UsageDetails { InputTokenCount = inputTokens, OutputTokenCount = outputTokens },
        };

    public static ChatResponse Call(double? confidence = null, params (string Name, object Arguments)[] calls)
    {
        var response = new ChatResponse(new ChatMessage(ChatRole.Assistant,
        [
            .. calls.Select((c, i) => (AIContent)new FunctionCallContent($"call_{i}_{Guid.NewGuid():N}", c.Name,
                System.Text.Json.JsonSerializer.SerializeToElement(c.Arguments).EnumerateObject().ToDictionary(p => p.Name, p => (object?)p.Value))),
        ]));
        if (confidence is not null)
        {
            response.AdditionalProperties = new() { [OfflineChatClient.ConfidenceProperty] = confidence.Value };
        }
        return response;
    }

    /// <summary>Proposes <paramref name="calls"/> for a user's message; once the tools answered, replies with their results.</summary>
    public static ScriptedChatClient ToolsThenReply(params (string Name, object Arguments)[] calls) => new((messages, _) =>
        messages[^1].Role == ChatRole.Tool
            ? Reply("Done: " + string.Join(" | ", messages[^1].Contents.OfType<FunctionResultContent>().Select(r => r.Result?.ToString())))
            : Call(null, calls));
}

/// <summary>
/// Provider "scripted": the agent's model name picks the script from <see cref="Scripts"/>. The other providers are the
/// service's own ("offline", "openai").
/// </summary>
public sealed class ScriptedChatClientFactory(IServiceProvider services) : IAgentChatClientFactory
{
    public static ConcurrentDictionary<string, ScriptedChatClient> Scripts { get; } = new();

    readonly ModelProviderFactory _real = ActivatorUtilities.CreateInstance<ModelProviderFactory>(services);
    readonly ConcurrentDictionary<string, IChatClient> _pipelines = new();

    public ValueTask<IChatClient> GetClientAsync(AgentModelSettings settings, ModelCall call, CancellationToken cancellationToken) =>
        settings.Provider == "scripted"
            ? ValueTask.FromResult(_pipelines.GetOrAdd(settings.Model, model => ChatClientPipeline.Build(new Forwarder(model), services)))
            : _real.GetClientAsync(settings, call, cancellationToken);

    public bool Supports(string provider) => provider is "scripted" || _real.Supports(provider);

    /// <summary>Looks the script up on every call, so a test may replace it.</summary>
    sealed class Forwarder(string model) : DelegatingChatClient(new NoClient())
    {
        public override Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            Scripts[model].GetResponseAsync(messages, options, cancellationToken);

        public override IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
            CancellationToken cancellationToken = default) =>
            Scripts[model].GetStreamingResponseAsync(messages, options, cancellationToken);
    }

    sealed class NoClient : IChatClient
    {
        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
            CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
