using AgentCloud.Contracts.Triggers;
using AgentCloud.ServiceDefaults.Auth;
using AgentCloud.Triggers.Model;
using AgentCloud.Triggers.Scheduling;
using AgentCloud.Triggers.Systems;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace AgentCloud.Triggers.Apis;

/// <summary>
/// Seed 003's event service API, tenant-scoped (another tenant's ids answer 404), for users and for the tool-gateway
/// and agents services acting for a tenant (<see cref="ActingFor"/>). Creating or changing a trigger needs the agent
/// to be visible to the calling user (the agents service decides) and its credential to be theirs or tenant-wide.
/// </summary>
public static class TriggersApi
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 500;

    public static IEndpointRouteBuilder MapTriggersApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("").WithTags("Triggers").RequireUserOrService(ActingFor.Services).AddEndpointFilter(ActingFor.Filter);

        api.MapPost("/agent/{agentId}/trigger", CreateTrigger).Accepts<TriggerRequest>("application/json")
            .WithName("CreateTrigger").WithSummary("Create a trigger for an agent (seed 003)");
        api.MapPatch("/agent/{agentId}/triggers/{triggerId}", UpdateTrigger).Accepts<TriggerRequest>("application/json")
            .WithName("UpdateTrigger").WithSummary("Change a trigger's options, credential, conversation or active flag (seed 003)");
        api.MapGet("/agent/{agentId}/triggers", ListAgentTriggers)
            .WithName("ListAgentTriggers").WithSummary("An agent's triggers, oldest first");
        api.MapGet("/triggers", ListTenantTriggers)
            .WithName("ListTriggers").WithSummary("The tenant's triggers, oldest first");
        api.MapGet("/triggers/{triggerId}", GetTrigger)
            .WithName("GetTrigger").WithSummary("One trigger (seed 003)");
        api.MapDelete("/triggers/{triggerId}", DeleteTrigger)
            .WithName("DeleteTrigger").WithSummary("Delete a trigger and its event log; it stops at once (seed 003)");
        api.MapGet("/triggers/{triggerId}/events", GetTriggerEvents)
            .WithName("GetTriggerEvents").WithSummary("The trigger's recent fires, newest first, with their outcome");
        return app;
    }

    public static async Task<Results<Created<TriggerDetails>, ValidationProblem, ProblemHttpResult>> CreateTrigger(
        Guid agentId, ActingFor actor, HttpRequest request, [AsParameters] TriggerServices services, CancellationToken cancellationToken)
    {
        var (body, error) = await TriggerInput.ReadAsync(request, cancellationToken);
        if (error is not null)
        {
            return error;
        }
        var errors = new Dictionary<string, string[]>();
        var now = services.Time.Now();
        TriggerInput.NewTrigger? input;
        SystemOptions? options = null;
        using (body)
        {
            input = TriggerInput.ParseCreate(body!.RootElement, errors);
            if (input is not null)
            {
                options = SystemOptions.Parse(input.System, input.Options, OptionsContext.ForWrite(now, services.Settings), errors);
                CheckCredentialRule(input.System, input.CredentialId, errors);
            }
        }
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }
        if (await RefuseAsync(actor, agentId, input!.CredentialId, services, cancellationToken) is { } refused)
        {
            return refused;
        }

        await using var transaction = await services.Db.Database.BeginTransactionAsync(cancellationToken);
        // One tenant's creates queue here, so the count below cannot be raced past the limit.
        await services.Db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock(hashtextextended({actor.TenantId.ToString()}, 15))", cancellationToken);
        var count = await services.Db.Triggers.CountAsync(t => t.TenantId == actor.TenantId && t.CompletedAt == null, cancellationToken);
        if (count >= services.Settings.MaxTriggersPerTenant)
        {
            request.HttpContext.Response.Headers.RetryAfter = "60";
            return TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests,
                title: $"The tenant has {count} triggers, the most it may have ({services.Settings.MaxTriggersPerTenant}); delete some first.");
        }
        var trigger = new Trigger
        {
            Id = Guid.CreateVersion7(now),
            TenantId = actor.TenantId,
            AgentId = agentId,
            UserId = actor.UserId,
            System = input.System,
            CredentialId = input.CredentialId,
            Options = options!.ToJson().ToJsonString(),
            Active = input.Active,
            ConversationId = input.ConversationId,
            WebhookSecret = input.System == TriggerSystems.Webhook ? Webhooks.WebhookSignature.NewSecret() : null,
            CreatedAt = now,
            UpdatedAt = now,
        };
        services.Db.Triggers.Add(trigger);
        await TriggerActivation.SyncAsync(services.Db, trigger, options, null, restart: true, now, cancellationToken);
        await services.Db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        Nudge(services, trigger);
        services.Logger.LogInformation("Trigger {TriggerId} ({System}) created for agent {AgentId} of tenant {TenantId}",
            trigger.Id, trigger.System, agentId, actor.TenantId);
        var shown = await TriggerViews.ShowAsync(services.Db, [trigger], WebhookBase(request, services), cancellationToken);
        return TypedResults.Created($"/triggers/{trigger.Id}", shown[0] with
        {
            Webhook = shown[0].Webhook is { } webhook ? webhook with { Secret = trigger.WebhookSecret } : null,
        });
    }

    public static async Task<Results<Ok<TriggerDetails>, ValidationProblem, ProblemHttpResult>> UpdateTrigger(
        Guid agentId, Guid triggerId, ActingFor actor, HttpRequest request, [AsParameters] TriggerServices services,
        CancellationToken cancellationToken)
    {
        var existing = await services.Db.Triggers.AsNoTracking()
            .SingleOrDefaultAsync(t => t.Id == triggerId && t.TenantId == actor.TenantId && t.AgentId == agentId, cancellationToken);
        if (existing is null)
        {
            return TriggerNotFound();
        }
        var (body, error) = await TriggerInput.ReadAsync(request, cancellationToken);
        if (error is not null)
        {
            return error;
        }
        var errors = new Dictionary<string, string[]>();
        var now = services.Time.Now();
        TriggerInput.TriggerChange? change;
        SystemOptions? options = null;
        using (body)
        {
            change = TriggerInput.ParseChange(body!.RootElement, existing.System, errors);
            if (change?.Options.Value is { } given)
            {
                options = SystemOptions.Parse(existing.System, given, OptionsContext.ForWrite(now, services.Settings), errors);
            }
        }
        var credentialId = change?.CredentialId.Given == true ? change.CredentialId.Value : existing.CredentialId;
        CheckCredentialRule(existing.System, credentialId, errors);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }
        var newCredential = change!.CredentialId.Given && credentialId != existing.CredentialId ? credentialId : null;
        if (await RefuseAsync(actor, agentId, newCredential, services, cancellationToken) is { } refused)
        {
            return refused;
        }

        await using var transaction = await services.Db.Database.BeginTransactionAsync(cancellationToken);
        var trigger = await LockAsync(services, actor.TenantId, triggerId, cancellationToken);
        if (trigger is null || trigger.AgentId != agentId)
        {
            return TriggerNotFound();
        }
        options ??= SystemOptions.Load(trigger.System, trigger.Options);
        var wasActive = trigger.Active;
        var previousListener = trigger.ListenerKey;
        trigger.Options = options.ToJson().ToJsonString();
        trigger.CredentialId = credentialId;
        trigger.ConversationId = change.ConversationId.Given ? change.ConversationId.Value : trigger.ConversationId;
        trigger.Active = change.Active.Given ? change.Active.Value : trigger.Active;
        if (change.Options.Given)
        {
            trigger.CompletedAt = null; // a one-shot timer given a new time fires again
        }
        trigger.Version++;
        trigger.UpdatedAt = now;
        var restart = change.Options.Given || (trigger.Active && !wasActive);
        await TriggerActivation.SyncAsync(services.Db, trigger, options, previousListener, restart, now, cancellationToken);
        await services.Db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        Nudge(services, trigger);
        services.Logger.LogInformation("Trigger {TriggerId} of tenant {TenantId} changed (active {Active})", trigger.Id, actor.TenantId, trigger.Active);
        return TypedResults.Ok((await TriggerViews.ShowAsync(services.Db, [trigger], WebhookBase(request, services), cancellationToken))[0]);
    }

    public static async Task<Results<Ok<TriggerDetails>, ProblemHttpResult>> GetTrigger(
        Guid triggerId, ActingFor actor, HttpRequest request, [AsParameters] TriggerServices services, CancellationToken cancellationToken)
    {
        var trigger = await services.Db.Triggers.AsNoTracking()
            .SingleOrDefaultAsync(t => t.Id == triggerId && t.TenantId == actor.TenantId, cancellationToken);
        return trigger is null
            ? TriggerNotFound()
            : TypedResults.Ok((await TriggerViews.ShowAsync(services.Db, [trigger], WebhookBase(request, services), cancellationToken))[0]);
    }

    public static Task<Results<Ok<TriggerList>, ValidationProblem>> ListAgentTriggers(
        Guid agentId, ActingFor actor, [AsParameters] TriggerQuery query, HttpRequest request, [AsParameters] TriggerServices services,
        CancellationToken cancellationToken) =>
        ListAsync(services.Db.Triggers.Where(t => t.TenantId == actor.TenantId && t.AgentId == agentId), actor, query, request, services, cancellationToken);

    public static Task<Results<Ok<TriggerList>, ValidationProblem>> ListTenantTriggers(
        ActingFor actor, [AsParameters] TriggerQuery query, HttpRequest request, [AsParameters] TriggerServices services,
        CancellationToken cancellationToken) =>
        ListAsync(services.Db.Triggers.Where(t => t.TenantId == actor.TenantId), actor, query, request, services, cancellationToken);

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteTrigger(
        Guid triggerId, ActingFor actor, [AsParameters] TriggerServices services, CancellationToken cancellationToken)
    {
        await using var transaction = await services.Db.Database.BeginTransactionAsync(cancellationToken);
        var trigger = await LockAsync(services, actor.TenantId, triggerId, cancellationToken);
        if (trigger is null)
        {
            return TriggerNotFound();
        }
        services.Db.Triggers.Remove(trigger);
        await services.Db.SaveChangesAsync(cancellationToken);
        await services.Db.TriggerEvents.Where(e => e.TriggerId == triggerId).ExecuteDeleteAsync(cancellationToken);
        if (trigger.ListenerKey is { } key)
        {
            await TriggerActivation.ForgetListenerIfUnusedAsync(services.Db, key, trigger.Id, cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        services.Logger.LogInformation("Trigger {TriggerId} of tenant {TenantId} deleted", triggerId, actor.TenantId);
        return TypedResults.NoContent();
    }

    public static async Task<Results<Ok<TriggerEventLog>, ValidationProblem, ProblemHttpResult>> GetTriggerEvents(
        Guid triggerId, ActingFor actor, [FromQuery(Name = "limit")] int? limit, [AsParameters] TriggerServices services,
        CancellationToken cancellationToken)
    {
        if (limit is < 1 or > MaxLimit)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["limit"] = [$"limit is from 1 to {MaxLimit}."] });
        }
        if (!await services.Db.Triggers.AnyAsync(t => t.Id == triggerId && t.TenantId == actor.TenantId, cancellationToken))
        {
            return TriggerNotFound();
        }
        var entries = await services.Db.TriggerEvents.AsNoTracking()
            .Where(e => e.TriggerId == triggerId && e.TenantId == actor.TenantId)
            .OrderByDescending(e => e.FiredAt).ThenByDescending(e => e.ScheduledFor).ThenByDescending(e => e.Id).Take(limit ?? DefaultLimit)
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(new TriggerEventLog(triggerId, [.. entries.Select(e => new TriggerEventEntry(
            e.Id, e.Outcome, e.ScheduledFor, e.FiredAt, e.Payload is null ? null : System.Text.Json.JsonDocument.Parse(e.Payload).RootElement.Clone()))]));
    }

    /// <summary>Filters of the list routes. <c>mine=true</c>: only triggers acting for the calling user;
    /// <c>pending=true</c>: not yet completed one-shots and every recurring trigger; <c>reminders=true</c>: timers with reminder text.</summary>
    public sealed record TriggerQuery(
        [FromQuery(Name = "system")] string? System, [FromQuery(Name = "active")] bool? Active, [FromQuery(Name = "pending")] bool? Pending,
        [FromQuery(Name = "reminders")] bool? Reminders, [FromQuery(Name = "mine")] bool? Mine,
        [FromQuery(Name = "conversation_id")] Guid? ConversationId, [FromQuery(Name = "limit")] int? Limit, [FromQuery(Name = "after")] Guid? After);

    static async Task<Results<Ok<TriggerList>, ValidationProblem>> ListAsync(
        IQueryable<Trigger> triggers, ActingFor actor, TriggerQuery query, HttpRequest request, TriggerServices services,
        CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (query.Limit is < 1 or > MaxLimit)
        {
            errors["limit"] = [$"limit is from 1 to {MaxLimit}."];
        }
        if (query.System is not null && !TriggerSystems.All.Contains(query.System))
        {
            errors["system"] = [$"system is one of {string.Join(", ", TriggerSystems.All)}."];
        }
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }
        triggers = triggers.AsNoTracking();
        triggers = query.System is { } system ? triggers.Where(t => t.System == system) : triggers;
        triggers = query.Active is { } active ? triggers.Where(t => t.Active == active) : triggers;
        triggers = query.Pending is { } pending ? triggers.Where(t => (t.CompletedAt == null) == pending) : triggers;
        triggers = query.Reminders == true ? triggers.Where(t => t.System == TriggerSystems.Timer && EF.Functions.JsonExists(t.Options, "reminder")) : triggers;
        triggers = query.Mine == true ? triggers.Where(t => t.UserId == actor.UserId) : triggers;
        triggers = query.ConversationId is { } conversation ? triggers.Where(t => t.ConversationId == conversation) : triggers;
        triggers = query.After is { } after ? triggers.Where(t => t.Id.CompareTo(after) > 0) : triggers;
        var page = await triggers.OrderBy(t => t.Id).Take(query.Limit ?? DefaultLimit).ToListAsync(cancellationToken);
        return TypedResults.Ok(new TriggerList(await TriggerViews.ShowAsync(services.Db, page, WebhookBase(request, services), cancellationToken)));
    }

    /// <summary>Locks the trigger for a change: first its schedule row (waiting for a scheduler firing it right now,
    /// in the scheduler's own lock order), then the trigger.</summary>
    static async Task<Trigger?> LockAsync(TriggerServices services, Guid tenantId, Guid triggerId, CancellationToken cancellationToken)
    {
        await services.Db.Database.ExecuteSqlAsync($"SELECT 1 FROM timer_schedules WHERE trigger_id = {triggerId} FOR UPDATE", cancellationToken);
        return await services.Db.Triggers.FromSql($"SELECT * FROM triggers WHERE id = {triggerId} AND tenant_id = {tenantId} FOR UPDATE")
            .SingleOrDefaultAsync(cancellationToken);
    }

    /// <summary>Users must see the agent (the agents service decides, with their own token) and may use only their own
    /// or tenant-wide credentials. Services are trusted for the agent they name.</summary>
    static async Task<ProblemHttpResult?> RefuseAsync(
        ActingFor actor, Guid agentId, Guid? credentialId, TriggerServices services, CancellationToken cancellationToken)
    {
        if (!actor.IsUser)
        {
            return null;
        }
        try
        {
            if (!await services.Agents.CanSeeAsync(actor.TenantId, agentId, actor.BearerToken!, cancellationToken))
            {
                return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such agent.",
                    detail: $"Agent {agentId} does not exist or you cannot see it.");
            }
            if (credentialId is { } credential
                && !await services.Credentials.UsableByAsync(actor.TenantId, credential, actor.UserId!.Value, actor.BearerToken!, cancellationToken))
            {
                return TypedResults.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: "No such credential.",
                    detail: $"credential_id {credential} does not exist or is not yours or tenant-wide.",
                    extensions: new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { ["credential_id"] = ["Unknown or not usable credential."] } });
            }
            return null;
        }
        catch (HttpRequestException e)
        {
            services.Logger.LogWarning("Agent or credential check failed: {Status}", e.StatusCode);
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable,
                title: "The agent or credential could not be checked right now; nothing was changed.");
        }
    }

    static void CheckCredentialRule(string system, Guid? credentialId, Dictionary<string, string[]> errors)
    {
        switch (SystemOptions.CredentialRule(system))
        {
            case true when credentialId is null:
                errors["credential_id"] = [$"A {system} trigger needs a credential_id (its OAuth tokens)."];
                break;
            case false when credentialId is not null:
                errors["credential_id"] = [$"A {system} trigger takes no credential."];
                break;
        }
    }

    static void Nudge(TriggerServices services, Trigger trigger)
    {
        if (trigger.System == TriggerSystems.Timer)
        {
            services.Scheduler.Notify();
        }
        else if (trigger.ListenerKey is not null)
        {
            services.Listeners.Notify();
        }
    }

    static string WebhookBase(HttpRequest request, TriggerServices services) => TriggerViews.WebhookBase(request, services.Settings.PublicBaseUrl);

    static ProblemHttpResult TriggerNotFound() => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such trigger.");
}
