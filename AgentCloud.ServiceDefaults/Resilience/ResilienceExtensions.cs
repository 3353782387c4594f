using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AgentCloud.ServiceDefaults.Resilience;

public static class ResilienceExtensions
{
    public static IHttpClientBuilder AddStandardResilienceHandler(this IHttpClientBuilder builder)
    {
        builder.Services.TryAddSingleton<StandardResiliencePipelines>();
        builder.Services.TryAddTransient<ResilienceHandler>();
        return builder.AddHttpMessageHandler<ResilienceHandler>();
    }
}
