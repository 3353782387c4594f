using System.Text.Json;
using System.Text.Json.Serialization;
using AgentCloud.EventBus.CloudEvents;
using AgentCloud.EventBus.Hosting;
using AgentCloud.EventBus.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AgentCloud.EventBus.Dapr;

public sealed record DaprSubscription(
    [property: JsonPropertyName("pubsubname")] string PubSubName,
    [property: JsonPropertyName("topic")] string Topic,
    [property: JsonPropertyName("route")] string Route,
    [property: JsonPropertyName("deadLetterTopic")] string DeadLetterTopic);

public sealed record DaprDeliveryResponse([property: JsonPropertyName("status")] string Status)
{
    public static readonly DaprDeliveryResponse Success = new("SUCCESS");
    public static readonly DaprDeliveryResponse Retry = new("RETRY");
    public static readonly DaprDeliveryResponse Drop = new("DROP");
}

/// <summary>
/// The app side of Dapr's programmatic subscriptions: <c>GET /dapr/subscribe</c> lists topics and routes; the sidecar
/// POSTs each CloudEvent to its route and reads SUCCESS (done), RETRY (handler failed: Dapr's resiliency policy retries,
/// then uses the dead-letter topic) or DROP (undeliverable, e.g. not a CloudEvent we can read).
/// </summary>
public static class DaprSubscriptionEndpoints
{
    public const string RoutePrefix = "/eventbus/dapr/";

    public static IEndpointRouteBuilder MapEventBusDaprEndpoints(this IEndpointRouteBuilder app)
    {
        // The sidecar calls without a platform token; it proves itself with APP_API_TOKEN when one is configured.
        var sidecar = app.MapGroup("").AllowAnonymous().AddEndpointFilter(RequireSidecarToken).ExcludeFromDescription();
        sidecar.MapGet("/dapr/subscribe", ListSubscriptions);
        sidecar.MapPost(RoutePrefix + "{topic}", Deliver);
        return app;
    }

    static async ValueTask<object?> RequireSidecarToken(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var expected = context.HttpContext.RequestServices.GetRequiredService<IConfiguration>()["APP_API_TOKEN"];
        return string.IsNullOrEmpty(expected) || context.HttpContext.Request.Headers["dapr-api-token"] == expected
            ? await next(context)
            : TypedResults.Unauthorized();
    }

    static Ok<DaprSubscription[]> ListSubscriptions(Subscriptions subscriptions, IOptions<EventBusOptions> options) =>
        TypedResults.Ok(subscriptions.Topics
            .Select(t => new DaprSubscription(options.Value.PubSubName, t, RoutePrefix + t, $"{t}.deadletter.{options.Value.AppId}"))
            .ToArray());

    static async Task<Ok<DaprDeliveryResponse>> Deliver(string topic, HttpRequest request, EventDispatcher dispatcher,
        ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var logger = loggers.CreateLogger(typeof(DaprSubscriptionEndpoints));
        CloudEvent cloudEvent;
        try
        {
            cloudEvent = await JsonSerializer.DeserializeAsync<CloudEvent>(request.Body, CloudEventSerializer.Options, cancellationToken)
                ?? throw new JsonException("empty body");
        }
        catch (JsonException e)
        {
            logger.LogWarning(e, "Dropping an unreadable delivery on topic {Topic}", topic);
            return TypedResults.Ok(DaprDeliveryResponse.Drop);
        }
        if (!dispatcher.IsSubscribed(cloudEvent.Type))
        {
            logger.LogWarning("Dropping {Type} {EventId} delivered on {Topic}: no handler", cloudEvent.Type, cloudEvent.Id, topic);
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
}
