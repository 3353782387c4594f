using AgentCloud.ServiceDefaults.Auth;
using AgentCloud.ServiceDefaults.Errors;
using AgentCloud.ServiceDefaults.Health;
using AgentCloud.ServiceDefaults.Logging;
using AgentCloud.ServiceDefaults.Secrets;
using AgentCloud.ServiceDefaults.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// What every AgentCloud service shares, in the Aspire template's shape: telemetry, health, service discovery,
/// resilience; then our own thin registrations: escaped console logs, ProblemDetails, OpenAPI, secrets, auth.
/// </summary>
public static class ServiceDefaultsExtensions
{
    /// <summary>Retries only what can be sent twice without doing it twice (GET, HEAD, OPTIONS, PUT, DELETE).</summary>
    static readonly HttpMethod[] NotIdempotent = [HttpMethod.Post, HttpMethod.Patch, HttpMethod.Connect];

    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.ConfigureOpenTelemetry();
        builder.AddDefaultHealthChecks();
        builder.Services.AddServiceDiscovery();
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            // 30 s in total, 10 s per attempt, 3 jittered exponential retries, a circuit breaker per target authority.
            http.AddStandardResilienceHandler(options => options.Retry.DisableFor(NotIdempotent)).SelectPipelineByAuthority();
            http.AddServiceDiscovery();
        });

        builder.Logging.AddEscapingConsoleFormatter();
        builder.Services.AddDefaultProblemDetails();
        builder.Services.AddOpenApi();
        builder.Services.AddSecretStore(builder.Configuration);
        builder.AddDefaultAuthentication();
        return builder;
    }

    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseDefaultAuthentication();
        app.MapOpenApi();
        app.MapDefaultHealthEndpoints();
        return app;
    }
}
