using AgentCloud.Agents.Model;
using AgentCloud.ServiceDefaults.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace AgentCloud.Agents.Apis;

public sealed record LocationRequest(string? Name);

public sealed record LocationView(Guid Id, string Name, DateTimeOffset CreatedAt);

public static class LocationsApi
{
    public static IEndpointRouteBuilder MapLocationsApi(this IEndpointRouteBuilder app)
    {
        var locations = app.MapGroup("/locations").WithTags("Locations");
        locations.MapGet("/", ListLocations).RequireUser().WithName("ListLocations");
        locations.MapGet("/{id:guid}", GetLocation).RequireUser().WithName("GetLocation");
        locations.MapPost("/", CreateLocation).RequireTenantAdmin().WithName("CreateLocation");
        locations.MapPut("/{id:guid}", UpdateLocation).RequireTenantAdmin().WithName("UpdateLocation");
        locations.MapDelete("/{id:guid}", DeleteLocation).RequireTenantAdmin().WithName("DeleteLocation");
        return app;
    }

    public static async Task<Ok<List<LocationView>>> ListLocations([AsParameters] DirectoryServices services, CancellationToken cancellationToken) =>
        TypedResults.Ok(await services.Db.Locations.OrderBy(l => l.Name).Select(l => new LocationView(l.Id, l.Name, l.CreatedAt)).ToListAsync(cancellationToken));

    public static async Task<Results<Ok<LocationView>, NotFound>> GetLocation(Guid id, [AsParameters] DirectoryServices services, CancellationToken cancellationToken) =>
        await services.Db.Locations.Where(l => l.Id == id).Select(l => new LocationView(l.Id, l.Name, l.CreatedAt)).FirstOrDefaultAsync(cancellationToken) is { } location
            ? TypedResults.Ok(location)
            : TypedResults.NotFound();

    public static async Task<Results<Created<LocationView>, ValidationProblem>> CreateLocation(
        LocationRequest? request, [AsParameters] DirectoryServices services, CancellationToken cancellationToken)
    {
        var check = new Validation().Name("name", request?.Name);
        if (!check.IsValid)
        {
            return TypedResults.ValidationProblem(check.Errors);
        }
        var location = new Location { Id = Guid.CreateVersion7(), TenantId = services.Caller.TenantId, Name = request!.Name!, CreatedAt = services.Time.GetUtcNow() };
        services.Db.Locations.Add(location);
        await services.Db.SaveChangesAsync(cancellationToken);
        return TypedResults.Created($"/locations/{location.Id}", new LocationView(location.Id, location.Name, location.CreatedAt));
    }

    public static async Task<Results<Ok<LocationView>, NotFound, ValidationProblem>> UpdateLocation(
        Guid id, LocationRequest? request, [AsParameters] DirectoryServices services, CancellationToken cancellationToken)
    {
        var location = await services.Db.Locations.FirstOrDefaultAsync(l => l.Id == id, cancellationToken);
        if (location is null)
        {
            return TypedResults.NotFound();
        }
        var check = new Validation().Name("name", request?.Name);
        if (!check.IsValid)
        {
            return TypedResults.ValidationProblem(check.Errors);
        }
        location.Name = request!.Name!;
        await services.Db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(new LocationView(location.Id, location.Name, location.CreatedAt));
    }

    public static async Task<Results<NoContent, NotFound>> DeleteLocation(Guid id, [AsParameters] DirectoryServices services, CancellationToken cancellationToken)
    {
        await using var transaction = await services.Db.Database.BeginTransactionAsync(cancellationToken);
        if (await services.Db.Locations.Where(l => l.Id == id).ExecuteDeleteAsync(cancellationToken) == 0)
        {
            return TypedResults.NotFound();
        }
        await services.Db.PermissionGrants.Where(g => g.Scope == GrantScopes.Location && g.SubjectId == id).ExecuteDeleteAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.NoContent();
    }
}
