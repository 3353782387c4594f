using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Exporter;
using Xunit;

namespace AgentCloud.ServiceDefaults.Tests;

public sealed class TelemetryExportTests
{
    [Fact]
    public async Task With_an_OTLP_endpoint_set_a_request_is_exported_as_a_span()
    {
        var received = new ConcurrentQueue<(string Path, byte[] Body)>();
        await using var collector = await LoopbackServer.StartAsync(app => app.MapPost("/v1/{signal}", async (HttpRequest request) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            received.Enqueue((request.Path, body.ToArray()));
            return Results.Ok();
        }));

        var service = await StartServiceAsync(new()
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = collector.Address.ToString().TrimEnd('/'),
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_SERVICE_NAME"] = "otlp-probe",
        });
        using (var http = new HttpClient { BaseAddress = service.Urls.Select(u => new Uri(u)).First() })
        {
            Assert.Equal("pong", await http.GetStringAsync("/ping"));
        }
        await service.StopAsync(); // flushes the exporters
        await service.DisposeAsync();

        var traces = received.Where(r => r.Path == "/v1/traces").Select(r => Encoding.UTF8.GetString(r.Body)).ToList();
        Assert.Contains(traces, t => t.Contains("otlp-probe") && t.Contains("GET /ping"));
        Assert.DoesNotContain(traces, t => t.Contains("GET /health")); // health probes are not traced
    }

    [Fact]
    public async Task Without_an_OTLP_endpoint_nothing_is_exported_and_the_service_still_serves()
    {
        var service = await StartServiceAsync([]);
        using (var http = new HttpClient { BaseAddress = service.Urls.Select(u => new Uri(u)).First() })
        {
            Assert.Equal("pong", await http.GetStringAsync("/ping"));
        }
        await service.DisposeAsync();
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData("http://127.0.0.1:4317", true)]
    public void The_OTLP_exporter_is_registered_only_with_an_endpoint(string? endpoint, bool registered)
    {
        var builder = Builder(new() { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = endpoint });

        Assert.Equal(registered, builder.Services.Any(d =>
            new[] { d.ServiceType, d.ImplementationType }.Concat(d.ServiceType.GenericTypeArguments)
                .Any(t => t?.Assembly == typeof(OtlpExporterOptions).Assembly)));
    }

    static WebApplicationBuilder Builder(Dictionary<string, string?> settings)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddServiceDefaults();
        return builder;
    }

    static async Task<WebApplication> StartServiceAsync(Dictionary<string, string?> settings)
    {
        var app = Builder(settings).Build();
        app.MapDefaultEndpoints();
        app.MapGet("/ping", () => "pong").AllowAnonymous();
        await app.StartAsync();
        using (var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) })
        {
            await http.GetAsync("/health");
        }
        return app;
    }
}
