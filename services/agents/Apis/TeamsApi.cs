using AgentCloud.Agents.Model;
using AgentCloud.ServiceDefaults.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace AgentCloud.Agents.Apis;

public sealed record TeamRequest(string? Name);

public sealed record TeamView(Guid Id, string Name, IReadOnlyList<Guid> MemberIds, DateTimeOffset CreatedAt);

public static class TeamsApi
{
    public static IEndpointRouteBuilder MapTeamsApi(this IEndpointRouteBuilder app)
    {
        var teams = app.MapGroup("/teams").WithTags("Teams");
        teams.MapGet("/", ListTeams).RequireUser().WithName("ListTeams");
        teams.MapGet("/{id:guid}", GetTeam).RequireUser().WithName("GetTeam");
        teams.MapPost("/", CreateTeam).RequireTenantAdmin().WithName("CreateTeam");
        teams.MapPut("/{id:guid}", UpdateTeam).RequireTenantAdmin().WithName("UpdateTeam");
        teams.MapDelete("/{id:guid}", DeleteTeam).RequireTenantAdmin().WithName("DeleteTeam");
        teams.MapPut("/{id:guid}/members/{userId:guid}", AddMember).RequireTenantAdmin().WithName("AddTeamMember");
        teams.MapDelete("/{id:guid}/members/{userId:guid}", RemoveMember).RequireTenantAdmin().WithName("RemoveTeamMember");
        return app;
    }

    public static async Task<Ok<List<TeamView>>> ListTeams([AsParameters] DirectoryServices services, CancellationToken cancellationToken) =>
        TypedResults.Ok(await services.Db.Teams.OrderBy(t => t.Name)
            .Select(t => new TeamView(t.Id, t.Name, services.Db.TeamMembers.Where(m => m.TeamId == t.Id).Select(m => m.UserId).ToList(), t.CreatedAt))
            .ToListAsync(cancellationToken));

    public static async Task<Results<Ok<TeamView>, NotFound>> GetTeam(Guid id, [AsParameters] DirectoryServices services, CancellationToken cancellationToken) =>
        await services.Db.Teams.Where(t => t.Id == id)
            .Select(t => new TeamView(t.Id, t.Name, services.Db.TeamMembers.Where(m => m.TeamId == t.Id).Select(m => m.UserId).ToList(), t.CreatedAt))
            .FirstOrDefaultAsync(cancellationToken) is { } team
            ? TypedResults.Ok(team)
            : TypedResults.NotFound();

    public static async Task<Results<Created<TeamView>, ValidationProblem>> CreateTeam(
        TeamRequest? request, [AsParameters] DirectoryServices services, CancellationToken cancellationToken)
    {
        var check = new Validation().Name("name", request?.Name);
        if (!check.IsValid)
        {
            return TypedResults.ValidationProblem(check.Errors);
        }
        var team = new Team { Id = Guid.CreateVersion7(), TenantId = services.Caller.TenantId, Name = request!.Name!, CreatedAt = services.Time.GetUtcNow() };
        services.Db.Teams.Add(team);
        await services.Db.SaveChangesAsync(cancellationToken);
        return TypedResults.Created($"/teams/{team.Id}", new TeamView(team.Id, team.Name, [], team.CreatedAt));
    }

    public static async Task<Results<Ok<TeamView>, NotFound, ValidationProblem>> UpdateTeam(
        Guid id, TeamRequest? request, [AsParameters] DirectoryServices services, CancellationToken cancellationToken)
    {
        var team = await services.Db.Teams.FirstOrDefaultAsync(t => t.Id == id, cancellationToken);
        if (team is null)
        {
            return TypedResults.NotFound();
        }
        var check = new Validation().Name("name", request?.Name);
        if (!check.IsValid)
        {
            return TypedResults.ValidationProblem(check.Errors);
        }
        team.Name = request!.Name!;
        await services.Db.SaveChangesAsync(cancellationToken);
        var members = await services.Db.TeamMembers.Where(m => m.TeamId == id).Select(m => m.UserId).ToListAsync(cancellationToken);
        return TypedResults.Ok(new TeamView(team.Id, team.Name, members, team.CreatedAt));
    }

    public static async Task<Results<NoContent, NotFound>> DeleteTeam(Guid id, [AsParameters] DirectoryServices services, CancellationToken cancellationToken) =>
        await services.Db.Teams.Where(t => t.Id == id).ExecuteDeleteAsync(cancellationToken) == 1 ? TypedResults.NoContent() : TypedResults.NotFound();

    public static async Task<Results<NoContent, NotFound>> AddMember(
        Guid id, Guid userId, [AsParameters] DirectoryServices services, CancellationToken cancellationToken)
    {
        if (!await services.Db.Teams.AnyAsync(t => t.Id == id, cancellationToken) || !await services.Db.Users.AnyAsync(u => u.Id == userId, cancellationToken))
        {
            return TypedResults.NotFound();
        }
        if (!await services.Db.TeamMembers.AnyAsync(m => m.TeamId == id && m.UserId == userId, cancellationToken))
        {
            services.Db.TeamMembers.Add(new TeamMember { TeamId = id, UserId = userId, TenantId = services.Caller.TenantId });
            await services.Db.SaveChangesAsync(cancellationToken);
        }
        return TypedResults.NoContent();
    }

    public static async Task<Results<NoContent, NotFound>> RemoveMember(
        Guid id, Guid userId, [AsParameters] DirectoryServices services, CancellationToken cancellationToken) =>
        await services.Db.TeamMembers.Where(m => m.TeamId == id && m.UserId == userId).ExecuteDeleteAsync(cancellationToken) == 1
            ? TypedResults.NoContent()
            : TypedResults.NotFound();
}
