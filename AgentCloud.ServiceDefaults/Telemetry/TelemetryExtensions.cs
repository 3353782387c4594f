using AgentCloud.ServiceDefaults.Health;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace AgentCloud.ServiceDefaults.Telemetry;

/// <summary>
/// The Aspire template's OpenTelemetry: ASP.NET Core, HttpClient and runtime instrumentation plus our own
/// <c>AgentCloud.*</c> sources and meters (Npgsql's come with the database integration). Health probes are not traced.
/// Exported over OTLP only when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (the AppHost sets it).
/// </summary>
public static class TelemetryExtensions
{
    const string OurSources = "AgentCloud.*";

    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter(OurSources))
            .WithTracing(tracing => tracing
                .AddSource(OurSources)
                .AddAspNetCoreInstrumentation(options => options.Filter = http => !HealthExtensions.IsProbe(http.Request.Path))
                .AddHttpClientInstrumentation());

        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            builder.Services.AddOpenTelemetry().UseOtlpExporter();
            builder.Services.AddHostedService<FlushOnStop>();
        }
        return builder;
    }

    /// <summary>
    /// Exports what is still buffered while the host stops: left to the container's disposal, the last spans and metrics
    /// are lost (the exporters' HTTP clients are gone by then).
    /// </summary>
    sealed class FlushOnStop(TracerProvider tracing, MeterProvider metrics) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken)
        {
            tracing.ForceFlush(2000);
            metrics.ForceFlush(2000);
            return Task.CompletedTask;
        }
    }
}
