using AgentCloud.EventBus.Hosting;
using AgentCloud.EventBus.Redis;
using AgentCloud.ServiceDefaults.Auth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AgentCloud.EventBus.Admin;

/// <summary>Operator endpoints for the Redis transport (Dapr keeps dead letters in its own dead-letter topic).</summary>
public static class EventBusAdminApi
{
    /// <summary>Maps nothing when the transport is Dapr: its dead letters live in the Dapr dead-letter topic.</summary>
    public static IEndpointRouteBuilder MapEventBusAdminApi(this IEndpointRouteBuilder app)
    {
        if (app.ServiceProvider.GetService<DeadLetters>() is null)
        {
            return app;
        }
        // Dead letters hold every tenant's events: only this service's own identity (an operator holding its client
        // secret) may read or replay them, never a tenant's user.
        var appId = app.ServiceProvider.GetRequiredService<IOptions<EventBusOptions>>().Value.AppId;
        var api = app.MapGroup("/eventbus/dead-letters").WithTags("EventBus").RequireService(appId);
        api.MapGet("/", ListDeadLetters).WithName("ListDeadLetters").WithSummary("Events this service gave up on, oldest first");
        api.MapPost("/{topic}/{id}/replay", ReplayDeadLetter).WithName("ReplayDeadLetter")
            .WithSummary("Delivers a dead-lettered event to this service's consumer group again");
        return app;
    }

    static async Task<Ok<IReadOnlyList<DeadLetter>>> ListDeadLetters([FromServices] DeadLetters deadLetters, string? topic, int? count) =>
        TypedResults.Ok(await deadLetters.ListAsync(topic, Math.Clamp(count ?? 100, 1, 1000)));

    static async Task<Results<Accepted, NotFound>> ReplayDeadLetter([FromServices] DeadLetters deadLetters, string topic, string id) =>
        await deadLetters.ReplayAsync(topic, id) ? TypedResults.Accepted((string?)null) : TypedResults.NotFound();
}
