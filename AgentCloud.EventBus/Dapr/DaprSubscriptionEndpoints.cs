using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using AgentCloud.EventBus.CloudEvents;
using AgentCloud.EventBus.Hosting;
using AgentCloud.EventBus.Telemetry;
using CloudNative.CloudEvents;
using Dapr;
using CloudEvent = CloudNative.CloudEvents.CloudEvent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AgentCloud.EventBus.Dapr;

/// <summary>The answer Dapr's pub/sub reads from a delivery's 200 response.</summary>
public sealed record DaprDeliveryResponse([property: JsonPropertyName("status")] string Status)
{
    public static readonly DaprDeliveryResponse Success = new("SUCCESS");
    public static readonly DaprDeliveryResponse Retry = new("RETRY");
    public static readonly DaprDeliveryResponse Drop = new("DROP");
}

/// <summary>
/// The app side of Dapr pub/sub, the Dapr.AspNetCore way: one route per topic declared with <c>WithTopic</c> (and its
/// dead-letter topic), listed for the sidecar by <c>MapSubscribeHandler</c> at <c>GET /dapr/subscribe</c>, and
/// <c>UseCloudEvents</c>, which hands the route the event's <c>data</c> as the body and its attributes as
/// <c>Cloudevent.*</c> headers (the trace context arrives as the <c>traceparent</c> header). Each delivery is answered
/// SUCCESS (done, or done before: the inbox), RETRY (a handler failed: Dapr retries, then dead-letters) or DROP (not
/// an event we can read or handle; Dapr moves it to the dead-letter topic).
/// </summary>
public static class DaprSubscriptionEndpoints
{
    public const string RoutePrefix = "/eventbus/dapr/";

    const string HeaderPrefix = "Cloudevent.";

    static readonly string[] ForwardedAttributes = ["id", "source", "type", "time", "subject", "tracestate", CloudEventSerializer.TenantId.Name];

    /// <summary>Maps nothing unless <c>EventBus:Transport</c> is <c>dapr</c>.</summary>
    public static WebApplication MapEventBusDaprEndpoints(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<EventBusOptions>>().Value;
        if (!string.Equals(options.Transport, "dapr", StringComparison.OrdinalIgnoreCase))
        {
            return app;
        }
        // The sidecar calls without a platform token; it proves itself with APP_API_TOKEN when one is configured.
        var appApiToken = app.Configuration["APP_API_TOKEN"];
        app.UseWhen(
            http => !string.IsNullOrEmpty(appApiToken) && (http.Request.Path.StartsWithSegments("/dapr") || http.Request.Path.StartsWithSegments(RoutePrefix.TrimEnd('/'))),
            sidecarOnly => sidecarOnly.Use((http, next) => http.Request.Headers["dapr-api-token"] == appApiToken ? next(http) : Results.Unauthorized().ExecuteAsync(http)));
        app.UseCloudEvents(new CloudEventsMiddlewareOptions { ForwardCloudEventPropertiesAsHeaders = true, IncludedCloudEventPropertiesAsHeaders = ForwardedAttributes });
        app.MapSubscribeHandler().AllowAnonymous().ExcludeFromDescription();
        foreach (var topic in app.Services.GetRequiredService<Subscriptions>().Topics)
        {
            app.MapPost(RoutePrefix + topic, Deliver).AllowAnonymous().ExcludeFromDescription()
                .WithTopic(new TopicOptions { PubsubName = options.PubSubName, Name = topic, DeadLetterTopic = $"{topic}.deadletter.{options.AppId}" });
        }
        return app;
    }

    static async Task<Ok<DaprDeliveryResponse>> Deliver(HttpRequest request, EventDispatcher dispatcher, ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        var logger = loggers.CreateLogger(typeof(DaprSubscriptionEndpoints));
        CloudEvent cloudEvent;
        try
        {
            cloudEvent = await ReadAsync(request, cancellationToken);
        }
        catch (Exception e) when (e is JsonException or FormatException or ArgumentException)
        {
            logger.LogWarning(e, "Dropping an unreadable delivery on {Path}", request.Path);
            return TypedResults.Ok(DaprDeliveryResponse.Drop);
        }
        if (!dispatcher.IsSubscribed(cloudEvent.Type!))
        {
            logger.LogWarning("Dropping {Type} {EventId} delivered on {Path}: no handler", cloudEvent.Type, cloudEvent.Id, request.Path);
            return TypedResults.Ok(DaprDeliveryResponse.Drop);
        }
        try
        {
            await dispatcher.DispatchAsync(cloudEvent, cancellationToken);
            return TypedResults.Ok(DaprDeliveryResponse.Success);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning(e, "Handler for {Type} {EventId} failed; asking Dapr to retry", cloudEvent.Type, cloudEvent.Id);
            EventBusTelemetry.Retried.Add(1, new KeyValuePair<string, object?>("messaging.destination.name", cloudEvent.Type));
            return TypedResults.Ok(DaprDeliveryResponse.Retry);
        }
    }

    /// <summary>
    /// The event again, from what UseCloudEvents left: attributes from the headers (raw JSON string contents, so they are
    /// unescaped here), data from the body; the trace parent is this request's span, itself a child of Dapr's delivery.
    /// </summary>
    static async Task<CloudEvent> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        string? Attribute(string name) =>
            request.Headers[HeaderPrefix + name] is [{ } raw] ? JsonSerializer.Deserialize<string>($"\"{raw}\"") : null;
        string Required(string name) => Attribute(name) ?? throw new JsonException($"The delivery has no CloudEvent {name}.");

        var data = await JsonSerializer.DeserializeAsync<JsonElement>(request.Body, cancellationToken: cancellationToken);
        return CloudEventSerializer.Envelope(Required("id"), Required("type"), Required("source"),
            Attribute("time") is { } time ? DateTimeOffset.Parse(time, CultureInfo.InvariantCulture) : null, Attribute("subject"), Attribute(CloudEventSerializer.TenantId.Name), data,
            CloudEventSerializer.TraceParentOf(Activity.Current) ?? (string?)request.Headers.TraceParent, Activity.Current?.TraceStateString ?? Attribute("tracestate"));
    }
}
