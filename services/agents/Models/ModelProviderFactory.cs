using System.ClientModel;
using System.ClientModel.Primitives;
using AgentCloud.Agents.Agents;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using OpenAI;

namespace AgentCloud.Agents.Models;

/// <summary>
/// Providers <c>offline</c> (the built-in model) and <c>openai</c>: any OpenAI-compatible Chat Completions server, at the
/// tenant's endpoint (<see cref="ModelProviders"/>), through Microsoft.Extensions.AI.OpenAI, with the API key read from
/// the credentials service for this call. The HTTP client (<see cref="HttpClientName"/>) retries transient failures
/// and bounds every wait (<see cref="ModelProviderOptions"/>); what still fails falls back to the offline model
/// (<see cref="FallbackChatClient"/>). An agent's model is the provider's model name, or the tenant's default when the
/// agent keeps the offline model's name.
/// </summary>
public sealed class ModelProviderFactory(
    ModelProviders providers, ModelCredentials credentials, IHttpClientFactory clients, IOptions<ModelProviderOptions> options,
    IServiceProvider services, ILogger<FallbackChatClient> logger) : IAgentChatClientFactory
{
    public const string Provider = "openai";
    public const string HttpClientName = "model-provider";

    readonly OfflineChatClientFactory _offline = new(services);
    readonly OfflineChatClient _offlineModel = new();

    public bool Supports(string provider) => provider is Provider || _offline.Supports(provider);

    public async ValueTask<IChatClient> GetClientAsync(AgentModelSettings settings, ModelCall call, CancellationToken cancellationToken)
    {
        if (settings.Provider != Provider)
        {
            return await _offline.GetClientAsync(settings, call, cancellationToken);
        }
        var tenant = await providers.GetAsync(call.TenantId, cancellationToken);
        if (tenant is null)
        {
            return Build(null, "no model provider is configured for this tenant", null);
        }
        var model = settings.Model != OfflineChatClient.ModelName ? settings.Model : tenant.Model;
        if (model is null)
        {
            return Build(null, "neither the agent nor the tenant's provider names a model", null);
        }
        string? key = null;
        if (tenant.CredentialId is { } credentialId)
        {
            try
            {
                key = await credentials.ReadApiKeyAsync(call.TenantId, credentialId, call, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                logger.LogWarning("Reading the model provider's credential {CredentialId} failed: {Error}", credentialId, e.GetType().Name);
            }
            if (key is null)
            {
                return Build(null, "the provider's API key could not be read from the credentials service", credentialId);
            }
        }
        var client = new OpenAIClient(new ApiKeyCredential(key ?? "none"), new OpenAIClientOptions
        {
            Endpoint = tenant.Endpoint,
            Transport = new HttpClientPipelineTransport(clients.CreateClient(HttpClientName)),
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0), // the HttpClient's resilience handler retries
            NetworkTimeout = options.Value.TotalTimeout, // an outer bound; the HttpClient and FallbackChatClient time the parts
        });
        return Build(client.GetChatClient(model).AsIChatClient(), null, tenant.CredentialId);
    }

    IChatClient Build(IChatClient? provider, string? unavailable, Guid? credentialId) =>
        ChatClientPipeline.Build(new FallbackChatClient(provider, unavailable, credentialId, _offlineModel, options.Value.StreamIdleTimeout, logger), services);
}
