using AgentCloud.ServiceDefaults.Auth;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;

namespace AgentCloud.Agents.Models;

public static class ModelsExtensions
{
    /// <summary>The model providers (offline and OpenAI-compatible) behind <see cref="IAgentChatClientFactory"/>; before AddAgentRuntime.</summary>
    public static IHostApplicationBuilder AddModelProviders(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<ModelProviderOptions>().BindConfiguration(ModelProviderOptions.Section);
        services.AddSingleton<ModelProviders>();
        services.AddSingleton<ModelCredentials>();
        services.AddSingleton<IAgentChatClientFactory, ModelProviderFactory>();
        services.AddHttpClient(ModelCredentials.HttpClientName, c => c.BaseAddress = new("http://credentials/")).AddServiceIdentity();

        // The tenant's provider is outside the platform: no service identity, and a resilience pipeline of its own. A
        // chat completion has no side effect but its cost, so POST is retried (the platform default retries only
        // idempotent methods), and the default 10 s per attempt would cut a slow model short.
#pragma warning disable EXTEXP0001 // RemoveAllResilienceHandlers is "for evaluation"; it is the documented way to replace the defaults' handler
        services.AddHttpClient(ModelProviderFactory.HttpClientName, c => c.Timeout = Timeout.InfiniteTimeSpan)
            .RemoveAllResilienceHandlers()
#pragma warning restore EXTEXP0001
            .AddResilienceHandler("model-provider", (pipeline, context) =>
            {
                var options = context.ServiceProvider.GetRequiredService<IOptions<ModelProviderOptions>>().Value;
                pipeline.AddTimeout(options.TotalTimeout)
                    .AddRetry(new HttpRetryStrategyOptions
                    {
                        MaxRetryAttempts = options.MaxRetries,
                        Delay = options.RetryDelay,
                        BackoffType = DelayBackoffType.Exponential,
                        UseJitter = true,
                    })
                    .AddTimeout(options.AttemptTimeout);
            });
        return builder;
    }
}
