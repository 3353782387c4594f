using AgentCloud.Agents.Identity;
using AgentCloud.Agents.Model;
using AgentCloud.Agents.Permissions;
using AgentCloud.ServiceDefaults.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace AgentCloud.Agents.Apis;

public sealed record ApiKeyRequest(string? Name, string[]? Roles);

public sealed record ApiKeyView(Guid Id, string Name, string Prefix, IReadOnlyList<string> Roles, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);

/// <summary>The only time the key itself is shown.</summary>
public sealed record CreatedApiKey(Guid Id, string Name, string Prefix, string Key, IReadOnlyList<string> Roles);

public static class ApiKeysApi
{
    public static IEndpointRouteBuilder MapApiKeysApi(this IEndpointRouteBuilder app)
    {
        var keys = app.MapGroup("/api-keys").WithTags("API keys").RequireTenantAdmin();
        keys.MapGet("/", ListApiKeys).WithName("ListApiKeys");
        keys.MapGet("/{id:guid}", GetApiKey).WithName("GetApiKey");
        keys.MapPost("/", CreateApiKey).WithName("CreateApiKey");
        keys.MapDelete("/{id:guid}", RevokeApiKey).WithName("RevokeApiKey").WithSummary("Revoke: the key stops working; it stays listed");
        return app;
    }

    static IQueryable<ApiKeyView> Views(IQueryable<ApiKey> keys) =>
        keys.Select(k => new ApiKeyView(k.Id, k.Name, k.Prefix, k.Roles, k.CreatedAt, k.RevokedAt));

    public static async Task<Ok<List<ApiKeyView>>> ListApiKeys([AsParameters] DirectoryServices services, CancellationToken cancellationToken) =>
        TypedResults.Ok(await Views(services.Db.ApiKeys.OrderBy(k => k.CreatedAt)).ToListAsync(cancellationToken));

    public static async Task<Results<Ok<ApiKeyView>, NotFound>> GetApiKey(Guid id, [AsParameters] DirectoryServices services, CancellationToken cancellationToken) =>
        await Views(services.Db.ApiKeys.Where(k => k.Id == id)).FirstOrDefaultAsync(cancellationToken) is { } key
            ? TypedResults.Ok(key)
            : TypedResults.NotFound();

    public static async Task<Results<Created<CreatedApiKey>, ValidationProblem>> CreateApiKey(
        ApiKeyRequest? request, [AsParameters] DirectoryServices services, CancellationToken cancellationToken)
    {
        var check = new Validation().Name("name", request?.Name).Roles("roles", request?.Roles);
        if (!check.IsValid)
        {
            return TypedResults.ValidationProblem(check.Errors);
        }
        var (prefix, fullKey) = ApiKeyFormat.New();
        var key = new ApiKey
        {
            Id = Guid.CreateVersion7(), TenantId = services.Caller.TenantId, Name = request!.Name!, Prefix = prefix,
            KeyHash = OpaqueTokens.Hash(fullKey), Roles = request.Roles ?? [RoleBundles.Member], CreatedBy = services.Caller.UserId,
            CreatedAt = services.Time.GetUtcNow(),
        };
        services.Db.ApiKeys.Add(key);
        await services.Db.SaveChangesAsync(cancellationToken);
        return TypedResults.Created($"/api-keys/{key.Id}", new CreatedApiKey(key.Id, key.Name, key.Prefix, fullKey, key.Roles));
    }

    public static async Task<Results<NoContent, NotFound>> RevokeApiKey(Guid id, [AsParameters] DirectoryServices services, CancellationToken cancellationToken)
    {
        var now = services.Time.GetUtcNow();
        return await services.Db.ApiKeys.Where(k => k.Id == id)
            .ExecuteUpdateAsync(s => s.SetProperty(k => k.RevokedAt, k => k.RevokedAt ?? now), cancellationToken) == 1
            ? TypedResults.NoContent()
            : TypedResults.NotFound();
    }
}
