using System.ClientModel;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Polly.Timeout;

namespace AgentCloud.Agents.Models;

/// <summary>
/// A tenant's provider with the offline model behind it. The provider's HttpClient already retried transient failures
/// and enforced the timeouts; whatever still fails (or a provider that could not be set up: <paramref name="unavailable"/>)
/// is answered by the offline model, whose ModelId makes the turn report <c>using_stub: true</c>, and the response
/// carries <see cref="FallbackProperty"/> (why) so the model-call step says so. A streamed answer falls back only
/// before its first chunk; a failure after it (or a silence longer than the stream idle timeout) fails the model call:
/// its text already reached the run's stream.
/// Reasons name statuses and exception types only: a provider's error text can quote the key (OpenAI's 401 does).
/// </summary>
public sealed class FallbackChatClient(
    IChatClient? provider, string? unavailable, Guid? credentialId, IChatClient offline, TimeSpan streamIdleTimeout, ILogger logger)
    : IChatClient
{
    /// <summary>ChatResponse.AdditionalProperties key: why the offline model answered instead of the configured provider.</summary>
    public const string FallbackProperty = "agentcloud.fallback";

    /// <summary>ChatResponse.AdditionalProperties key: the credential whose key this call read (the step links to the read).</summary>
    public const string CredentialProperty = "agentcloud.credential_id";

    /// <summary>A string this client set on the response (<see cref="FallbackProperty"/>, <see cref="CredentialProperty"/>).</summary>
    public static string? Read(ChatResponse response, string property) =>
        response.AdditionalProperties?.TryGetValue(property, out var value) == true ? value?.ToString() : null;

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var history = messages as IReadOnlyList<ChatMessage> ?? [.. messages];
        ChatResponse response;
        string? reason = unavailable;
        if (provider is not null)
        {
            try
            {
                response = await provider.GetResponseAsync(history, options, cancellationToken);
                response.AdditionalProperties = WithMetadata(response.AdditionalProperties, null);
                return response;
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                reason = Describe(e);
            }
        }
        response = await FallBackAsync(history, options, reason!, cancellationToken);
        response.AdditionalProperties = WithMetadata(response.AdditionalProperties, reason);
        return response;
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var history = messages as IReadOnlyList<ChatMessage> ?? [.. messages];
        var reason = unavailable;
        if (provider is not null)
        {
            // Silence between chunks is bounded here (the wait for the response's start is the HttpClient's attempt timeout).
            using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            await using var updates = provider.GetStreamingResponseAsync(history, options, idle.Token).GetAsyncEnumerator(idle.Token);
            var started = false;
            while (true)
            {
                try
                {
                    if (started)
                    {
                        idle.CancelAfter(streamIdleTimeout);
                    }
                    if (!await updates.MoveNextAsync())
                    {
                        break;
                    }
                    idle.CancelAfter(Timeout.InfiniteTimeSpan);
                }
                catch (OperationCanceledException) when (started && idle.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
                {
                    throw new TimeoutException($"The provider's stream was silent for {streamIdleTimeout.TotalSeconds} s.");
                }
                catch (Exception e) when (!started && (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested))
                {
                    reason = Describe(e);
                    break;
                }
                started = true;
                yield return updates.Current;
            }
            if (reason is null)
            {
                if (WithMetadata(null, null) is { } metadata)
                {
                    yield return new ChatResponseUpdate { AdditionalProperties = metadata };
                }
                yield break;
            }
        }
        var fallback = await FallBackAsync(history, options, reason!, cancellationToken);
        foreach (var update in fallback.ToChatResponseUpdates())
        {
            yield return update;
        }
        yield return new ChatResponseUpdate { AdditionalProperties = WithMetadata(null, reason) };
    }

    async Task<ChatResponse> FallBackAsync(IReadOnlyList<ChatMessage> history, ChatOptions? options, string reason, CancellationToken cancellationToken)
    {
        logger.LogWarning("Model provider unavailable ({Reason}); the offline model answers", reason);
        return await offline.GetResponseAsync(history, options, cancellationToken);
    }

    AdditionalPropertiesDictionary? WithMetadata(AdditionalPropertiesDictionary? properties, string? reason)
    {
        if (reason is null && credentialId is null)
        {
            return properties;
        }
        properties ??= [];
        if (reason is not null)
        {
            properties[FallbackProperty] = reason;
        }
        if (credentialId is not null)
        {
            properties[CredentialProperty] = credentialId.Value.ToString();
        }
        return properties;
    }

    static string Describe(Exception e) => e switch
    {
        ClientResultException { Status: > 0 } result => $"the provider answered {result.Status} after retries",
        TimeoutRejectedException or TimeoutException or OperationCanceledException => "the provider did not answer in time",
        ClientResultException or HttpRequestException => "the provider could not be reached",
        _ => $"the provider's answer could not be used ({e.GetType().Name})",
    };

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType.IsInstanceOfType(this) ? this : provider?.GetService(serviceType, serviceKey);

    public void Dispose() => provider?.Dispose();
}
