using AgentCloud.Agents.Model;
using AgentCloud.Agents.Permissions;
using AgentCloud.ServiceDefaults.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace AgentCloud.Agents.Apis;

public sealed record CreateUserRequest(string? Email, string? DisplayName, string? Password, string[]? Roles, Guid[]? TeamIds);

public sealed record UpdateUserRequest(string? DisplayName, string? Password, string[]? Roles);

public sealed record UserView(Guid Id, string Email, string DisplayName, IReadOnlyList<string> Roles, IReadOnlyList<Guid> TeamIds, DateTimeOffset CreatedAt);

public static class UsersApi
{
    public static IEndpointRouteBuilder MapUsersApi(this IEndpointRouteBuilder app)
    {
        var users = app.MapGroup("/users").WithTags("Users");
        users.MapGet("/", ListUsers).RequireUser().WithName("ListUsers");
        users.MapGet("/{id:guid}", GetUser).RequireUser().WithName("GetUser");
        users.MapPost("/", CreateUser).RequireTenantAdmin().WithName("CreateUser");
        users.MapPut("/{id:guid}", UpdateUser).RequireTenantAdmin().WithName("UpdateUser");
        users.MapDelete("/{id:guid}", DeleteUser).RequireTenantAdmin().WithName("DeleteUser");
        return app;
    }

    static IQueryable<UserView> Views(IQueryable<User> users) =>
        users.Select(u => new UserView(u.Id, u.Email, u.DisplayName, u.Roles, u.Teams.Select(m => m.TeamId).ToList(), u.CreatedAt));

    public static async Task<Ok<List<UserView>>> ListUsers([AsParameters] DirectoryServices services, CancellationToken cancellationToken) =>
        TypedResults.Ok(await Views(services.Db.Users.OrderBy(u => u.Email)).ToListAsync(cancellationToken));

    public static async Task<Results<Ok<UserView>, NotFound>> GetUser(Guid id, [AsParameters] DirectoryServices services, CancellationToken cancellationToken) =>
        await Views(services.Db.Users.Where(u => u.Id == id)).FirstOrDefaultAsync(cancellationToken) is { } user
            ? TypedResults.Ok(user)
            : TypedResults.NotFound();

    public static async Task<Results<Created<UserView>, ValidationProblem, Conflict<ProblemDetails>>> CreateUser(
        CreateUserRequest? request, [AsParameters] DirectoryServices services, PasswordHasher<User> hasher, CancellationToken cancellationToken)
    {
        var teamIds = request?.TeamIds ?? [];
        var knownTeams = await services.Db.Teams.CountAsync(t => teamIds.Contains(t.Id), cancellationToken);
        var check = new Validation().Email("email", request?.Email).Name("displayName", request?.DisplayName)
            .Password("password", request?.Password, required: false).Roles("roles", request?.Roles)
            .Check("teamIds", knownTeams == teamIds.Distinct().Count(), "teamIds must name teams of this tenant.");
        if (!check.IsValid)
        {
            return TypedResults.ValidationProblem(check.Errors);
        }
        var email = request!.Email!.Trim();
        if (await services.Db.Users.IgnoreQueryFilters().AnyAsync(u => u.Email.ToLower() == email.ToLower(), cancellationToken))
        {
            return TypedResults.Conflict(new ProblemDetails { Title = "That email is already registered.", Status = StatusCodes.Status409Conflict });
        }
        var user = DirectorySeeding.NewUser(services.Db, hasher, services.Time, services.Caller.TenantId, null, email,
            request.DisplayName!, request.Password, request.Roles ?? [RoleBundles.Member]);
        foreach (var team in teamIds.Distinct())
        {
            services.Db.TeamMembers.Add(new TeamMember { TeamId = team, UserId = user.Id, TenantId = user.TenantId });
        }
        await services.Db.SaveChangesAsync(cancellationToken);
        return TypedResults.Created($"/users/{user.Id}",
            new UserView(user.Id, user.Email, user.DisplayName, user.Roles, [.. teamIds.Distinct()], user.CreatedAt));
    }

    public static async Task<Results<Ok<UserView>, NotFound, ValidationProblem>> UpdateUser(
        Guid id, UpdateUserRequest? request, [AsParameters] DirectoryServices services, PasswordHasher<User> hasher, CancellationToken cancellationToken)
    {
        var user = await services.Db.Users.FirstOrDefaultAsync(u => u.Id == id, cancellationToken);
        if (user is null)
        {
            return TypedResults.NotFound();
        }
        var check = new Validation().Name("displayName", request?.DisplayName)
            .Password("password", request?.Password, required: false).Roles("roles", request?.Roles);
        if (!check.IsValid)
        {
            return TypedResults.ValidationProblem(check.Errors);
        }
        user.DisplayName = request!.DisplayName!;
        user.Roles = request.Roles ?? user.Roles;
        if (request.Password is not null)
        {
            user.PasswordHash = hasher.HashPassword(user, request.Password);
        }
        await services.Db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(await Views(services.Db.Users.Where(u => u.Id == id)).FirstAsync(cancellationToken));
    }

    public static async Task<Results<NoContent, NotFound>> DeleteUser(Guid id, [AsParameters] DirectoryServices services, CancellationToken cancellationToken)
    {
        await using var transaction = await services.Db.Database.BeginTransactionAsync(cancellationToken);
        if (await services.Db.Users.Where(u => u.Id == id).ExecuteDeleteAsync(cancellationToken) == 0)
        {
            return TypedResults.NotFound();
        }
        await services.Db.PermissionGrants.Where(g => g.Scope == GrantScopes.User && g.SubjectId == id).ExecuteDeleteAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.NoContent();
    }
}
