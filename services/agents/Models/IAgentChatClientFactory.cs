using AgentCloud.Agents.Agents;
using Microsoft.Extensions.AI;

namespace AgentCloud.Agents.Models;

/// <summary>
/// The loop's only way to a model. An implementation returns the client for an agent's model settings in a tenant,
/// built with <see cref="ChatClientPipeline"/> (OpenTelemetry with gen_ai conventions, logging without contents), and
/// never fails for lack of configuration: it returns the offline model then. A response whose ModelId is
/// <see cref="OfflineChatClient.ModelName"/> is how the loop knows the turn used the offline model
/// (<c>using_stub: true</c>), so a provider falling back to it after errors needs nothing else.
/// </summary>
public interface IAgentChatClientFactory
{
    ValueTask<IChatClient> GetClientAsync(AgentModelSettings settings, ModelCall call, CancellationToken cancellationToken);

    /// <summary>Whether agents may name this provider (checked when an agent is saved).</summary>
    bool Supports(string provider);
}

/// <summary>
/// The model call a client is asked for: its tenant, and the run and step (sequence number) it serves, which every
/// credential read made for it carries (so a credential's audit answers which runs used it).
/// </summary>
public readonly record struct ModelCall(Guid TenantId, Guid RunId, int Seq);

/// <summary>The runtime core's factory: only the built-in offline model.</summary>
public sealed class OfflineChatClientFactory(IServiceProvider services) : IAgentChatClientFactory
{
    public const string Provider = "offline";

    readonly Lazy<IChatClient> _client = new(() => ChatClientPipeline.Build(new OfflineChatClient(), services));

    public ValueTask<IChatClient> GetClientAsync(AgentModelSettings settings, ModelCall call, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_client.Value);

    public bool Supports(string provider) => provider == Provider;
}
