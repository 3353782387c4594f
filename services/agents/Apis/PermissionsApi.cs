using AgentCloud.Agents.Model;
using AgentCloud.Agents.Permissions;
using AgentCloud.ServiceDefaults.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace AgentCloud.Agents.Apis;

public sealed record GrantRequest(string? Scope, Guid? SubjectId, string? Permission, string? Effect);

public sealed record GrantView(Guid Id, string Scope, Guid? SubjectId, string Permission, string Effect, DateTimeOffset CreatedAt);

public sealed record RoleView(string Name, IReadOnlyList<string> Permissions);

/// <summary>Grants at tenant, user (grant/deny) and location level, role bundles, and the effective set with provenance.</summary>
public static class PermissionsApi
{
    public static IEndpointRouteBuilder MapPermissionsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/roles", () => TypedResults.Ok(RoleBundles.All.Select(r => new RoleView(r.Key, r.Value)).ToList()))
            .RequireUser().WithTags("Permissions").WithName("ListRoles").WithSummary("The role bundles and what each grants");

        var grants = app.MapGroup("/permissions/grants").WithTags("Permissions");
        grants.MapGet("/", ListGrants).RequireTenantAdmin().WithName("ListGrants");
        grants.MapGet("/{id:guid}", GetGrant).RequireTenantAdmin().WithName("GetGrant");
        grants.MapPost("/", CreateGrant).RequireTenantAdmin().WithName("CreateGrant");
        grants.MapDelete("/{id:guid}", DeleteGrant).RequireTenantAdmin().WithName("DeleteGrant");

        app.MapGroup("/users").WithTags("Permissions")
            .MapGet("/{id:guid}/permissions", GetEffectivePermissions).RequireUser()
            .WithName("GetEffectivePermissions").WithSummary("A user's effective permissions, optionally at a location, with where each came from");
        // The same for services that check a user's permissions before acting.
        app.MapGroup("/tenants/{tenantId:guid}/users").WithTags("Permissions")
            .MapGet("/{id:guid}/permissions", GetEffectivePermissions)
            .RequireUserOrService("tool-gateway", "agents", "billing", "credentials").RequireTenantFromRoute("tenantId")
            .WithName("GetTenantUserEffectivePermissions");
        return app;
    }

    static IQueryable<GrantView> Views(IQueryable<PermissionGrant> grants) =>
        grants.Select(g => new GrantView(g.Id, g.Scope, g.SubjectId, g.Permission, g.Effect, g.CreatedAt));

    public static async Task<Ok<List<GrantView>>> ListGrants(
        string? scope, Guid? subjectId, [AsParameters] DirectoryServices services, CancellationToken cancellationToken) =>
        TypedResults.Ok(await Views(services.Db.PermissionGrants
                .Where(g => (scope == null || g.Scope == scope) && (subjectId == null || g.SubjectId == subjectId))
                .OrderBy(g => g.Scope).ThenBy(g => g.Permission))
            .ToListAsync(cancellationToken));

    public static async Task<Results<Ok<GrantView>, NotFound>> GetGrant(Guid id, [AsParameters] DirectoryServices services, CancellationToken cancellationToken) =>
        await Views(services.Db.PermissionGrants.Where(g => g.Id == id)).FirstOrDefaultAsync(cancellationToken) is { } grant
            ? TypedResults.Ok(grant)
            : TypedResults.NotFound();

    public static async Task<Results<Created<GrantView>, Ok<GrantView>, ValidationProblem>> CreateGrant(
        GrantRequest? request, [AsParameters] DirectoryServices services, CancellationToken cancellationToken)
    {
        var db = services.Db;
        var scope = request?.Scope;
        var effect = request?.Effect ?? GrantEffects.Grant;
        var subjectExists = scope switch
        {
            GrantScopes.User => request!.SubjectId is { } user && await db.Users.AnyAsync(u => u.Id == user, cancellationToken),
            GrantScopes.Location => request!.SubjectId is { } location && await db.Locations.AnyAsync(l => l.Id == location, cancellationToken),
            _ => request?.SubjectId is null,
        };
        var check = new Validation()
            .Check("scope", scope is GrantScopes.Tenant or GrantScopes.User or GrantScopes.Location, "scope must be tenant, user or location.")
            .Permission("permission", request?.Permission)
            .Check("effect", effect is GrantEffects.Grant || (effect is GrantEffects.Deny && scope is GrantScopes.User), "effect must be grant, or deny for a user.")
            .Check("subjectId", subjectExists, "subjectId must be a user or location of this tenant for those scopes, and absent for the tenant.");
        if (!check.IsValid)
        {
            return TypedResults.ValidationProblem(check.Errors);
        }
        var subjectId = scope == GrantScopes.Tenant ? null : request!.SubjectId;
        var existing = await db.PermissionGrants.FirstOrDefaultAsync(
            g => g.Scope == scope && g.SubjectId == subjectId && g.Permission == request!.Permission, cancellationToken);
        if (existing is not null)
        {
            // One row per (scope, subject, permission): posting again sets the effect.
            existing.Effect = effect;
            await db.SaveChangesAsync(cancellationToken);
            return TypedResults.Ok(await Views(db.PermissionGrants.Where(g => g.Id == existing.Id)).FirstAsync(cancellationToken));
        }
        var grant = new PermissionGrant
        {
            Id = Guid.CreateVersion7(), TenantId = services.Caller.TenantId, Scope = scope!, SubjectId = subjectId,
            Permission = request!.Permission!, Effect = effect, CreatedAt = services.Time.GetUtcNow(),
        };
        db.PermissionGrants.Add(grant);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Created($"/permissions/grants/{grant.Id}",
            new GrantView(grant.Id, grant.Scope, grant.SubjectId, grant.Permission, grant.Effect, grant.CreatedAt));
    }

    public static async Task<Results<NoContent, NotFound>> DeleteGrant(Guid id, [AsParameters] DirectoryServices services, CancellationToken cancellationToken) =>
        await services.Db.PermissionGrants.Where(g => g.Id == id).ExecuteDeleteAsync(cancellationToken) == 1 ? TypedResults.NoContent() : TypedResults.NotFound();

    public static async Task<Results<Ok<EffectivePermissions>, NotFound, ForbidHttpResult>> GetEffectivePermissions(
        Guid id, Guid? locationId, [AsParameters] DirectoryServices services, CancellationToken cancellationToken)
    {
        var permissions = await PermissionLookup.FindAsync(services.Db, services.Db.TenantId, id, locationId, cancellationToken);
        if (permissions is null)
        {
            return TypedResults.NotFound();
        }
        if (services.Caller.IsUser && services.Caller.UserId != id && !services.Caller.IsTenantAdmin)
        {
            return TypedResults.Forbid();
        }
        return TypedResults.Ok(permissions);
    }
}
