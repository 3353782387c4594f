using AgentCloud.ServiceDefaults.Auth;
using AgentCloud.ServiceDefaults.Discovery;
using AgentCloud.ServiceDefaults.Health;
using AgentCloud.ServiceDefaults.Resilience;
using AgentCloud.ServiceDefaults.Secrets;
using AgentCloud.ServiceDefaults.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Microsoft.Extensions.Hosting;

/// <summary>What every AgentCloud service shares: telemetry, health, discovery, resilience, problem details, OpenAPI, auth.</summary>
public static class ServiceDefaultsExtensions
{
    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.ConfigureOpenTelemetry();
        builder.AddDefaultHealthChecks();
        builder.Services.AddServiceDiscovery();
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            http.AddStandardResilienceHandler();
            http.AddServiceDiscovery();
        });
        builder.Services.AddProblemDetails();
        builder.Services.AddOpenApi();
        builder.Services.AddSecretStore(builder.Configuration);
        builder.AddDefaultAuthentication();
        return builder;
    }

    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.UseServerSpanEnrichment();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseDefaultAuthentication();
        app.MapOpenApi();
        app.MapDefaultHealthEndpoints();
        return app;
    }
}
