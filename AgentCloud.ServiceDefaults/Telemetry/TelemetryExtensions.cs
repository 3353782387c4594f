using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace AgentCloud.ServiceDefaults.Telemetry;

/// <summary>
/// Traces, metrics and logs through the OpenTelemetry SDK. The hosting and instrumentation packages are not obtainable,
/// so the providers are built by hand over the activity sources and meters .NET 10 emits natively.
/// Nothing is exported unless OTEL_EXPORTER_OTLP_ENDPOINT is set.
/// </summary>
public static class TelemetryExtensions
{
    public const string SourcePrefix = "AgentCloud";

    static readonly string[] ActivitySources = ["Microsoft.AspNetCore", "System.Net.Http", "Npgsql", $"{SourcePrefix}.*"];
    static readonly string[] Meters =
    [
        "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "System.Net.Http", "System.Runtime",
        "Npgsql", $"{SourcePrefix}.*",
    ];

    public static IHostApplicationBuilder ConfigureOpenTelemetry(this IHostApplicationBuilder builder)
    {
        var endpoint = builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"];
        if (string.IsNullOrWhiteSpace(endpoint))
        {
            return builder;
        }

        var exporter = new OtlpTarget(new Uri(endpoint), ParseProtocol(builder.Configuration["OTEL_EXPORTER_OTLP_PROTOCOL"]));
        var resource = ResourceBuilder.CreateDefault()
            .AddService(builder.Configuration["OTEL_SERVICE_NAME"] ?? builder.Environment.ApplicationName);

        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.SetResourceBuilder(resource);
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
            logging.AddOtlpExporter(o => exporter.Configure(o, "logs"));
        });

        builder.Services.AddSingleton(_ => Sdk.CreateTracerProviderBuilder()
            .SetResourceBuilder(resource)
            .AddSource(ActivitySources)
            .AddProcessor(new HealthProbeFilter())
            .AddOtlpExporter(o => exporter.Configure(o, "traces"))
            .Build());
        builder.Services.AddSingleton(_ => Sdk.CreateMeterProviderBuilder()
            .SetResourceBuilder(resource)
            .AddMeter(Meters)
            .AddOtlpExporter(o => exporter.Configure(o, "metrics"))
            .Build());
        builder.Services.AddHostedService<TelemetryStarter>();
        return builder;
    }

    static OtlpExportProtocol ParseProtocol(string? value) =>
        value?.Trim().ToLowerInvariant() switch
        {
            "http/protobuf" => OtlpExportProtocol.HttpProtobuf,
            _ => OtlpExportProtocol.Grpc,
        };

    sealed record OtlpTarget(Uri Endpoint, OtlpExportProtocol Protocol)
    {
        // With http/protobuf an endpoint set in code is used verbatim, so the signal path is added here.
        public void Configure(OtlpExporterOptions options, string signal)
        {
            options.Protocol = Protocol;
            options.Endpoint = Protocol == OtlpExportProtocol.HttpProtobuf
                ? new Uri(Endpoint, $"{Endpoint.AbsolutePath.TrimEnd('/')}/v1/{signal}")
                : Endpoint;
        }
    }

    /// <summary>Resolves the providers at start-up so they listen from the first request and are disposed (flushed) on stop.</summary>
    sealed class TelemetryStarter(TracerProvider tracing, MeterProvider metrics) : IHostedService
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
