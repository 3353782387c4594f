using AgentCloud.Agents.Infrastructure;
using AgentCloud.Contracts.Agents;
using AgentCloud.EventBus.Outbox;
using AgentCloud.ServiceDefaults.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace AgentCloud.Agents.Agents;

/// <summary>An agent as the API shows it: its current (or a given) version's definition and who owns it.</summary>
public sealed record AgentView(
    Guid Id, Guid TenantId, Guid OwnerUserId, string Scope, Guid? TeamId, bool IsDefault, int Version, string Name, string Description,
    string Instructions, AgentModelSettings Model, IReadOnlyList<AgentTool> Tools, IReadOnlyList<SubAgentLink> SubAgents,
    Decisions.DecisionPolicy DecisionPolicy, string DoubleTexting, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static AgentView From(CurrentAgent a, AgentDefinition d, int version) => new(a.Id, a.TenantId, a.OwnerUserId, d.Scope, d.TeamId, a.IsDefault,
        version, d.Name, d.Description, d.Instructions, d.ModelSettings, d.EnabledTools, d.SubAgentLinks, d.Policy, d.DoubleTexting, a.CreatedAt, a.UpdatedAt);
}

public sealed record AgentVersionView(int Version, Guid? CreatedBy, DateTimeOffset CreatedAt);

/// <summary>Services every agents handler uses, bound with [AsParameters].</summary>
public sealed class AgentServices(AgentsDbContext db, Caller caller, AgentDefinitions definitions, DefaultAgents defaults, AgentValidation validation, TimeProvider time)
{
    public AgentsDbContext Db { get; } = db;
    public Caller Caller { get; } = caller;
    public AgentDefinitions Definitions { get; } = definitions;
    public DefaultAgents Defaults { get; } = defaults;
    public AgentValidation Validation { get; } = validation;
    public TimeProvider Time { get; } = time;
}

public static class AgentsApi
{
    public static IEndpointRouteBuilder MapAgentsApi(this IEndpointRouteBuilder app)
    {
        var agents = app.MapGroup("/agents").WithTags("Agents");
        agents.MapGet("/", ListAgents).RequireUser().WithName("ListAgents").WithSummary("The agents you can see (yours and your teams'), the default Assistant first");
        agents.MapPost("/", CreateAgent).RequireUser().WithName("CreateAgent").WithSummary("Create an agent you own (version 1)");
        agents.MapGet("/{id:guid}", GetAgent).RequireUserOrService("triggers", "tool-gateway", "web").WithName("GetAgent")
            .WithSummary("One agent (services name the tenant with ?tenantId=); 404 when you cannot see it");
        agents.MapPut("/{id:guid}", UpdateAgent).RequireUser().WithName("UpdateAgent").WithSummary("Change an agent: a new version");
        agents.MapDelete("/{id:guid}", DeleteAgent).RequireUser().WithName("DeleteAgent").WithSummary("Delete an agent (its runs keep their records)");
        agents.MapGet("/{id:guid}/versions", ListVersions).RequireUser().WithName("ListAgentVersions");
        agents.MapGet("/{id:guid}/versions/{version:int}", GetVersion).RequireUser().WithName("GetAgentVersion");
        return app;
    }

    public static async Task<Ok<List<AgentView>>> ListAgents([AsParameters] AgentServices services, CancellationToken cancellationToken) =>
        TypedResults.Ok((await VisibleAgentsAsync(services, cancellationToken)).Select(a => AgentView.From(a, a.Definition, a.Version)).ToList());

    /// <summary>The agents the calling user can see, the default Assistant (created on first need) first, then by name; at most 500.</summary>
    public static async Task<List<CurrentAgent>> VisibleAgentsAsync(AgentServices services, CancellationToken cancellationToken)
    {
        var caller = services.Caller;
        await services.Defaults.GetAsync(caller.TenantId, caller.UserId!.Value, cancellationToken);
        var teams = caller.TeamIds.ToList();
        var ids = await services.Db.Agents
            .Where(a => a.OwnerUserId == caller.UserId || (a.Scope == AgentScopes.Team && (a.TeamId == null || teams.Contains(a.TeamId.Value))))
            .OrderByDescending(a => a.IsDefault).ThenBy(a => a.Name).Select(a => a.Id).Take(500).ToListAsync(cancellationToken);
        var agents = new List<CurrentAgent>();
        foreach (var id in ids)
        {
            if (await services.Definitions.FindCurrentAsync(caller.TenantId, id, cancellationToken) is { } agent)
            {
                agents.Add(agent);
            }
        }
        return agents;
    }

    public static async Task<Results<Ok<AgentView>, NotFound, ProblemHttpResult>> GetAgent(Guid id, Guid? tenantId, [AsParameters] AgentServices services,
        CancellationToken cancellationToken)
    {
        var caller = services.Caller;
        if (caller.IsService && tenantId is null)
        {
            return TypedResults.Problem("A service must name the tenant (?tenantId=).", statusCode: StatusCodes.Status400BadRequest);
        }
        var agent = await services.Definitions.FindCurrentAsync(caller.IsService ? tenantId!.Value : caller.TenantId, id, cancellationToken);
        return agent is not null && (caller.IsService || AgentAccess.CanSee(caller, agent))
            ? TypedResults.Ok(AgentView.From(agent, agent.Definition, agent.Version))
            : TypedResults.NotFound();
    }

    public static async Task<Results<Created<AgentView>, ValidationProblem>> CreateAgent(AgentDefinition? request, [AsParameters] AgentServices services,
        CancellationToken cancellationToken)
    {
        var check = await services.Validation.CheckAsync(request, null, services.Caller, cancellationToken);
        if (!check.IsValid)
        {
            return TypedResults.ValidationProblem(check.Errors);
        }
        var now = services.Time.GetUtcNow();
        var agent = new Agent
        {
            Id = Guid.CreateVersion7(), TenantId = services.Caller.TenantId, OwnerUserId = services.Caller.UserId!.Value, Scope = request!.Scope,
            TeamId = request.TeamId, Name = request.Name, Description = request.Description, CurrentVersion = 1, CreatedAt = now, UpdatedAt = now,
        };
        services.Db.Agents.Add(agent);
        services.Db.AgentVersions.Add(new AgentVersion
        {
            AgentId = agent.Id, Version = 1, TenantId = agent.TenantId, Definition = request.ToJson(), CreatedBy = services.Caller.UserId, CreatedAt = now,
        });
        await services.Db.SaveChangesAsync(cancellationToken);
        var created = (await services.Definitions.FindCurrentAsync(agent.TenantId, agent.Id, cancellationToken))!;
        return TypedResults.Created($"/agents/{agent.Id}", AgentView.From(created, created.Definition, 1));
    }

    public static async Task<Results<Ok<AgentView>, NotFound, ValidationProblem, ProblemHttpResult>> UpdateAgent(
        Guid id, AgentDefinition? request, [AsParameters] AgentServices services, CancellationToken cancellationToken)
    {
        var caller = services.Caller;
        var agent = await services.Db.Agents.FirstOrDefaultAsync(a => a.Id == id, cancellationToken);
        if (agent is null || !AgentAccess.CanSee(caller, agent.OwnerUserId, agent.Scope, agent.TeamId))
        {
            return TypedResults.NotFound();
        }
        if (!AgentAccess.CanChange(caller, agent.OwnerUserId, agent.Scope, agent.TeamId))
        {
            return TypedResults.Problem("Only the agent's owner or a tenant admin may change it.", statusCode: StatusCodes.Status403Forbidden);
        }
        var check = await services.Validation.CheckAsync(request, id, caller, cancellationToken);
        if (!check.IsValid)
        {
            return TypedResults.ValidationProblem(check.Errors);
        }
        var now = services.Time.GetUtcNow();
        agent.CurrentVersion++;
        (agent.Name, agent.Description, agent.Scope, agent.TeamId, agent.UpdatedAt) = (request!.Name, request.Description, request.Scope, request.TeamId, now);
        services.Db.AgentVersions.Add(new AgentVersion
        {
            AgentId = id, Version = agent.CurrentVersion, TenantId = agent.TenantId, Definition = request.ToJson(), CreatedBy = caller.UserId, CreatedAt = now,
        });
        try
        {
            await services.Db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            return TypedResults.Problem("The agent was changed at the same time; read it again and retry.", statusCode: StatusCodes.Status409Conflict);
        }
        var updated = (await services.Definitions.FindCurrentAsync(agent.TenantId, id, cancellationToken))!;
        return TypedResults.Ok(AgentView.From(updated, updated.Definition, updated.Version));
    }

    public static async Task<Results<NoContent, NotFound, ProblemHttpResult>> DeleteAgent(Guid id, [AsParameters] AgentServices services,
        IIntegrationEventOutbox outbox, CancellationToken cancellationToken)
    {
        var caller = services.Caller;
        var agent = await services.Db.Agents.FirstOrDefaultAsync(a => a.Id == id, cancellationToken);
        if (agent is null || !AgentAccess.CanSee(caller, agent.OwnerUserId, agent.Scope, agent.TeamId))
        {
            return TypedResults.NotFound();
        }
        if (!AgentAccess.CanChange(caller, agent.OwnerUserId, agent.Scope, agent.TeamId) || agent.IsDefault)
        {
            return TypedResults.Problem(agent.IsDefault ? "The default Assistant cannot be deleted." : "Only the agent's owner or a tenant admin may delete it.",
                statusCode: agent.IsDefault ? StatusCodes.Status409Conflict : StatusCodes.Status403Forbidden);
        }
        agent.DeletedAt = services.Time.GetUtcNow();
        outbox.Add(services.Db, new AgentDeleted(agent.Id, caller.UserId!.Value) { TenantId = agent.TenantId.ToString(), Subject = agent.Id.ToString() });
        await services.Db.SaveChangesAsync(cancellationToken);
        return TypedResults.NoContent();
    }

    public static async Task<Results<Ok<List<AgentVersionView>>, NotFound>> ListVersions(Guid id, [AsParameters] AgentServices services,
        CancellationToken cancellationToken)
    {
        var agent = await services.Definitions.FindCurrentAsync(services.Caller.TenantId, id, cancellationToken);
        if (agent is null || !AgentAccess.CanSee(services.Caller, agent))
        {
            return TypedResults.NotFound();
        }
        return TypedResults.Ok(await services.Db.AgentVersions.Where(v => v.AgentId == id).OrderByDescending(v => v.Version)
            .Select(v => new AgentVersionView(v.Version, v.CreatedBy, v.CreatedAt)).ToListAsync(cancellationToken));
    }

    public static async Task<Results<Ok<AgentView>, NotFound>> GetVersion(Guid id, int version, [AsParameters] AgentServices services,
        CancellationToken cancellationToken)
    {
        var agent = await services.Definitions.FindCurrentAsync(services.Caller.TenantId, id, cancellationToken);
        if (agent is null || !AgentAccess.CanSee(services.Caller, agent) || version < 1 || version > agent.Version)
        {
            return TypedResults.NotFound();
        }
        return TypedResults.Ok(AgentView.From(agent, await services.Definitions.GetAsync(id, version, cancellationToken), version));
    }
}
