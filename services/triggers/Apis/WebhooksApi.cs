using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgentCloud.Contracts.Triggers;
using AgentCloud.ServiceDefaults.Auth;
using AgentCloud.Triggers.Extensions;
using AgentCloud.Triggers.Firing;
using AgentCloud.Triggers.Infrastructure;
using AgentCloud.Triggers.Scheduling;
using AgentCloud.Triggers.Webhooks;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AgentCloud.Triggers.Apis;

/// <summary>
/// The webhook receiver, <c>POST /hooks/{trigger_id}</c>: authenticated by its Standard Webhooks signature (no bearer
/// token), refused when the timestamp is outside the tolerance, size-limited, rate-limited per tenant, and deduplicated
/// by <c>webhook-id</c> so a delivery the sender retries starts one run. Also the secret's rotation.
/// </summary>
public static class WebhooksApi
{
    public sealed record Delivery(Guid EventId, bool Duplicate);

    public static IEndpointRouteBuilder MapWebhooksApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/hooks/{triggerId}", ReceiveWebhook).AllowAnonymous().WithTags("Webhooks")
            .WithName("ReceiveWebhook").WithSummary("A signed delivery (Standard Webhooks: webhook-id, webhook-timestamp, webhook-signature)");
        app.MapPost("/triggers/{triggerId}/webhook-secret", RotateSecret).WithTags("Webhooks")
            .RequireUserOrService(ActingFor.Services).AddEndpointFilter(ActingFor.Filter)
            .WithName("RotateWebhookSecret").WithSummary("A new signing secret for a webhook trigger (the old one stops working)");
        return app;
    }

    public static async Task<Results<Ok<Delivery>, ProblemHttpResult>> ReceiveWebhook(
        Guid triggerId, HttpRequest request, TriggersDbContext db, FireLog fireLog, WebhookRateLimiter rateLimiter,
        [FromKeyedServices(Clock.Key)] TimeProvider time, IOptions<TriggersSettings> options, ILogger<WebhookRateLimiter> logger,
        CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (request.ContentLength > settings.WebhookMaxBodyBytes)
        {
            return TooLarge(settings);
        }
        var trigger = await db.Triggers.AsNoTracking()
            .SingleOrDefaultAsync(t => t.Id == triggerId && t.System == TriggerSystems.Webhook && t.Active, cancellationToken);
        if (trigger?.WebhookSecret is null)
        {
            return Problem(StatusCodes.Status404NotFound, "No active webhook trigger here.");
        }
        var id = request.Headers["webhook-id"].ToString();
        var signature = request.Headers["webhook-signature"].ToString();
        if (id.Length is 0 or > 256 || signature.Length == 0
            || !long.TryParse(request.Headers["webhook-timestamp"], NumberStyles.None, CultureInfo.InvariantCulture, out var timestamp))
        {
            return Problem(StatusCodes.Status400BadRequest, "A delivery carries webhook-id (at most 256 characters), webhook-timestamp (Unix seconds) and webhook-signature.");
        }
        var body = await ReadBodyAsync(request, settings.WebhookMaxBodyBytes, cancellationToken);
        if (body is null)
        {
            return TooLarge(settings);
        }
        if (!WebhookSignature.Verify(trigger.WebhookSecret, id, timestamp, body, signature))
        {
            return Problem(StatusCodes.Status401Unauthorized, "The webhook signature does not match.");
        }
        var now = time.Now();
        var sent = DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(timestamp, 0, 253_402_300_799));
        if ((now - sent).Duration() > settings.WebhookTolerance)
        {
            return Problem(StatusCodes.Status401Unauthorized,
                $"The webhook timestamp is more than {settings.WebhookTolerance.TotalMinutes:0.#} minutes from now (too old to accept, or replayed).");
        }
        if (await rateLimiter.TryAcquireAsync(trigger.TenantId) is { } wait)
        {
            request.HttpContext.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            return Problem(StatusCodes.Status429TooManyRequests,
                $"The tenant's webhooks are limited to {settings.WebhooksPerTenantPerMinute} deliveries a minute.");
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // Holds off a deactivation or delete until this delivery is recorded; after one commits, nothing more fires.
        var active = await db.Triggers.FromSql($"SELECT * FROM triggers WHERE id = {triggerId} AND active FOR SHARE")
            .AsNoTracking().AnyAsync(cancellationToken);
        if (!active)
        {
            return Problem(StatusCodes.Status404NotFound, "No active webhook trigger here.");
        }
        var fire = new Fire(new FireTarget(trigger.Id, trigger.TenantId, trigger.AgentId, trigger.UserId, trigger.ConversationId, trigger.System),
            $"webhook:{id}", Model.TriggerOutcomes.Fired, null, now, Payload(id, sent, request.ContentType, body));
        var recorded = await fireLog.RecordAsync(db, [fire], cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        if (recorded.Count == 0)
        {
            var earlier = await db.TriggerEvents.AsNoTracking()
                .Where(e => e.TriggerId == triggerId && e.DedupeKey == fire.DedupeKey).Select(e => e.Id).FirstAsync(cancellationToken);
            logger.LogInformation("Webhook delivery {WebhookId} for trigger {TriggerId} was already received", id, triggerId);
            return TypedResults.Ok(new Delivery(earlier, Duplicate: true));
        }
        return TypedResults.Ok(new Delivery(fire.Id, Duplicate: false));
    }

    public static async Task<Results<Ok<TriggerDetails>, ProblemHttpResult>> RotateSecret(
        Guid triggerId, ActingFor actor, HttpRequest request, TriggersDbContext db, IOptions<TriggersSettings> settings,
        [FromKeyedServices(Clock.Key)] TimeProvider time, CancellationToken cancellationToken)
    {
        var trigger = await db.Triggers.SingleOrDefaultAsync(
            t => t.Id == triggerId && t.TenantId == actor.TenantId && t.System == TriggerSystems.Webhook, cancellationToken);
        if (trigger is null)
        {
            return Problem(StatusCodes.Status404NotFound, "No such webhook trigger.");
        }
        trigger.WebhookSecret = WebhookSignature.NewSecret();
        trigger.UpdatedAt = time.Now();
        trigger.Version++;
        await db.SaveChangesAsync(cancellationToken);
        var shown = TriggerViews.Show(trigger, TriggerViews.WebhookBase(request, settings.Value.PublicBaseUrl), null, null, trigger.WebhookSecret);
        return TypedResults.Ok(shown);
    }

    static async Task<byte[]?> ReadBodyAsync(HttpRequest request, int limit, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                return null;
            }
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    /// <summary>The delivery as the agent sees it: JSON bodies as JSON, anything else as text.</summary>
    static JsonElement Payload(string id, DateTimeOffset sent, string? contentType, byte[] body)
    {
        JsonNode? content;
        try
        {
            content = body.Length == 0 ? null : JsonNode.Parse(body);
        }
        catch (JsonException)
        {
            content = Encoding.UTF8.GetString(body);
        }
        return JsonSerializer.SerializeToElement(new JsonObject
        {
            ["webhook_id"] = id,
            ["sent_at"] = sent.ToString("O", CultureInfo.InvariantCulture),
            ["content_type"] = contentType,
            ["body"] = content,
        });
    }

    static ProblemHttpResult TooLarge(TriggersSettings settings) =>
        Problem(StatusCodes.Status413PayloadTooLarge, $"The delivery is larger than {settings.WebhookMaxBodyBytes / 1024} KiB.");

    static ProblemHttpResult Problem(int status, string title) => TypedResults.Problem(statusCode: status, title: title);
}
