using AgentCloud.ServiceDefaults.Auth;
using AgentCloud.ToolGateway.Infrastructure;
using AgentCloud.ToolGateway.Model;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace AgentCloud.ToolGateway.Apis;

/// <summary>The audit trail of tool calls, for tenant admins. Argument hashes only, never arguments or secrets.</summary>
public static class ToolInvocationsApi
{
    public static IEndpointRouteBuilder MapToolInvocationsApi(this IEndpointRouteBuilder app)
    {
        var invocations = app.MapGroup("/tool-invocations").WithTags("Tool invocations").RequireTenantAdmin();
        invocations.MapGet("/", List).WithName("ListToolInvocations").WithSummary("The tenant's latest tool calls (newest first)");
        invocations.MapGet("/{id:guid}", Get).WithName("GetToolInvocation").WithSummary("One tool call's audit record");
        return app;
    }

    public static async Task<Ok<List<ToolInvocationRecord>>> List(Caller caller, int? limit, ToolsDbContext db, CancellationToken cancellationToken) =>
        TypedResults.Ok(await db.ToolInvocations.AsNoTracking().Where(i => i.TenantId == caller.TenantId)
            .OrderByDescending(i => i.CreatedAt).Take(Math.Clamp(limit ?? 50, 1, 500))
            .Select(i => Record(i)).ToListAsync(cancellationToken));

    public static async Task<Results<Ok<ToolInvocationRecord>, NotFound>> Get(Guid id, Caller caller, ToolsDbContext db, CancellationToken cancellationToken) =>
        await db.ToolInvocations.AsNoTracking().SingleOrDefaultAsync(i => i.Id == id && i.TenantId == caller.TenantId, cancellationToken) is { } found
            ? TypedResults.Ok(Record(found))
            : TypedResults.NotFound();

    static ToolInvocationRecord Record(ToolInvocation i) => new(i.Id, i.ToolKey, i.ToolCallId, i.Status, i.ErrorCode, i.UserId, i.AgentId, i.RunId,
        i.LocationId, i.Caller, i.ArgumentsHash, i.TokensCharged, i.LatencyMs, i.TraceId, i.CreatedAt, i.CompletedAt);
}
