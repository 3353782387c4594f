using AgentCloud.Agents.Apis;
using AgentCloud.Agents.Infrastructure;
using AgentCloud.ServiceDefaults.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace AgentCloud.Agents.Memory;

public sealed record FactView(Guid Id, string Fact, Guid? AgentId, Guid? RunId, DateTimeOffset CreatedAt);

public sealed record FactRequest(string? Fact);

/// <summary>The caller's remembered facts (seed 001): what every agent's system prompt shows for them.</summary>
public static class FactsApi
{
    public static IEndpointRouteBuilder MapFactsApi(this IEndpointRouteBuilder app)
    {
        var facts = app.MapGroup("/facts").WithTags("Facts").RequireUser();
        facts.MapGet("/", ListFacts).WithName("ListFacts");
        facts.MapPost("/", AddFact).WithName("AddFact");
        facts.MapDelete("/{id:guid}", DeleteFact).WithName("DeleteFact");
        return app;
    }

    public static async Task<Ok<List<FactView>>> ListFacts(Caller caller, AgentsDbContext db, CancellationToken cancellationToken) =>
        TypedResults.Ok(await db.UserFacts.AsNoTracking().Where(f => f.UserId == caller.UserId).OrderBy(f => f.CreatedAt)
            .Select(f => new FactView(f.Id, f.Fact, f.AgentId, f.RunId, f.CreatedAt)).ToListAsync(cancellationToken));

    public static async Task<Results<Created<FactView>, ValidationProblem>> AddFact(FactRequest? request, Caller caller, AgentsDbContext db, TimeProvider time,
        CancellationToken cancellationToken)
    {
        var fact = request?.Fact?.Trim();
        var check = new Validation().Check("fact", fact is { Length: > 0 and <= RememberFactTool.MaxLength },
            $"fact is required and at most {RememberFactTool.MaxLength} characters.");
        if (check.IsValid && await db.UserFacts.CountAsync(f => f.UserId == caller.UserId, cancellationToken) >= RememberFactTool.MaxFactsPerUser)
        {
            check.Check("fact", false, $"You have {RememberFactTool.MaxFactsPerUser} facts already; delete some first.");
        }
        if (!check.IsValid)
        {
            return TypedResults.ValidationProblem(check.Errors);
        }
        var entity = new UserFact { Id = Guid.CreateVersion7(), TenantId = caller.TenantId, UserId = caller.UserId!.Value, Fact = fact!, CreatedAt = time.GetUtcNow() };
        db.UserFacts.Add(entity);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Created($"/facts/{entity.Id}", new FactView(entity.Id, entity.Fact, null, null, entity.CreatedAt));
    }

    public static async Task<Results<NoContent, NotFound>> DeleteFact(Guid id, Caller caller, AgentsDbContext db, CancellationToken cancellationToken) =>
        await db.UserFacts.Where(f => f.Id == id && f.UserId == caller.UserId).ExecuteDeleteAsync(cancellationToken) == 1
            ? TypedResults.NoContent()
            : TypedResults.NotFound();
}
