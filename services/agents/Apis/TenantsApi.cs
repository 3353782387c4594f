using AgentCloud.Agents.Infrastructure;
using AgentCloud.Agents.Model;
using AgentCloud.Agents.Permissions;
using AgentCloud.ServiceDefaults.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace AgentCloud.Agents.Apis;

public sealed record SignUpRequest(string? Name, string? LicensePlan, string? ContactPerson, string? OwnerEmail, string? OwnerDisplayName, string? OwnerPassword);

public sealed record SignedUp(Guid TenantId, Guid TeamId, Guid OwnerId);

public sealed record TenantRequest(string? Name, string? LicensePlan, string? ContactPerson);

public sealed record TenantView(Guid Id, string Name, string LicensePlan, string? ContactPerson, DateTimeOffset CreatedAt);

public static class TenantsApi
{
    public const string SignUpRateLimit = "sign-up";

    public static IEndpointRouteBuilder MapTenantsApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/tenants", SignUp).AllowAnonymous().RequireRateLimiting(SignUpRateLimit)
            .WithTags("Tenants").WithName("SignUp").WithSummary("Create a tenant with its first team and owner");

        var tenants = app.MapGroup("/tenants").WithTags("Tenants");
        tenants.MapGet("/{id:guid}", GetTenant).RequireUser().WithName("GetTenant");
        tenants.MapPut("/{id:guid}", UpdateTenant).RequireTenantAdmin().WithName("UpdateTenant");
        tenants.MapDelete("/{id:guid}", DeleteTenant).RequireTenantAdmin().WithName("DeleteTenant").WithSummary("Owners only: deletes everything of the tenant");
        return app;
    }

    public static async Task<Results<Created<SignedUp>, ValidationProblem, Conflict<ProblemDetails>>> SignUp(
        SignUpRequest? request, AgentsDbContext db, PasswordHasher<User> hasher, TimeProvider time, CancellationToken cancellationToken)
    {
        var check = new Validation()
            .Name("name", request?.Name).Name("licensePlan", request?.LicensePlan ?? "free", 50)
            .Check("contactPerson", (request?.ContactPerson?.Length ?? 0) <= 200, "contactPerson is at most 200 characters.")
            .Email("ownerEmail", request?.OwnerEmail).Name("ownerDisplayName", request?.OwnerDisplayName)
            .Password("ownerPassword", request?.OwnerPassword, required: true);
        if (!check.IsValid)
        {
            return TypedResults.ValidationProblem(check.Errors);
        }
        var email = request!.OwnerEmail!.Trim();
        if (await db.Users.IgnoreQueryFilters().AnyAsync(u => u.Email.ToLower() == email.ToLower(), cancellationToken))
        {
            return TypedResults.Conflict(new ProblemDetails { Title = "That email is already registered.", Status = StatusCodes.Status409Conflict });
        }
        var created = DirectorySeeding.NewTenant(db, time, request.Name!, request.LicensePlan ?? "free", request.ContactPerson, request.Name!);
        var owner = DirectorySeeding.NewUser(db, hasher, time, created.TenantId, created.TeamId, email, request.OwnerDisplayName!, request.OwnerPassword, [RoleBundles.Owner]);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Created($"/tenants/{created.TenantId}", new SignedUp(created.TenantId, created.TeamId, owner.Id));
    }

    public static async Task<Results<Ok<TenantView>, NotFound>> GetTenant(Guid id, [AsParameters] DirectoryServices services, CancellationToken cancellationToken) =>
        await services.Db.Tenants.Where(t => t.Id == id).Select(t => new TenantView(t.Id, t.Name, t.LicensePlan, t.ContactPerson, t.CreatedAt))
            .FirstOrDefaultAsync(cancellationToken) is { } tenant
            ? TypedResults.Ok(tenant)
            : TypedResults.NotFound();

    public static async Task<Results<Ok<TenantView>, NotFound, ValidationProblem>> UpdateTenant(
        Guid id, TenantRequest? request, [AsParameters] DirectoryServices services, CancellationToken cancellationToken)
    {
        var check = new Validation().Name("name", request?.Name).Name("licensePlan", request?.LicensePlan ?? "free", 50)
            .Check("contactPerson", (request?.ContactPerson?.Length ?? 0) <= 200, "contactPerson is at most 200 characters.");
        var tenant = await services.Db.Tenants.FirstOrDefaultAsync(t => t.Id == id, cancellationToken);
        if (tenant is null)
        {
            return TypedResults.NotFound();
        }
        if (!check.IsValid)
        {
            return TypedResults.ValidationProblem(check.Errors);
        }
        (tenant.Name, tenant.LicensePlan, tenant.ContactPerson) = (request!.Name!, request.LicensePlan ?? tenant.LicensePlan, request.ContactPerson);
        await services.Db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(new TenantView(tenant.Id, tenant.Name, tenant.LicensePlan, tenant.ContactPerson, tenant.CreatedAt));
    }

    public static async Task<Results<NoContent, NotFound, ForbidHttpResult>> DeleteTenant(
        Guid id, [AsParameters] DirectoryServices services, CancellationToken cancellationToken)
    {
        if (!await services.Db.Tenants.AnyAsync(t => t.Id == id, cancellationToken))
        {
            return TypedResults.NotFound();
        }
        if (!services.Caller.Roles.Contains(RoleBundles.Owner))
        {
            return TypedResults.Forbid();
        }
        await services.Db.Tenants.Where(t => t.Id == id).ExecuteDeleteAsync(cancellationToken);
        return TypedResults.NoContent();
    }
}
