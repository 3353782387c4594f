using AgentCloud.Billing.Infrastructure;
using AgentCloud.Billing.Model;
using AgentCloud.Contracts.Billing;
using AgentCloud.ServiceDefaults.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace AgentCloud.Billing.Apis;

/// <summary>Seed 002 costs: platform defaults, overridden per tenant by its plan.</summary>
public static class CostsApi
{
    public static IEndpointRouteBuilder MapCostsApi(this IEndpointRouteBuilder app)
    {
        var costs = app.MapGroup("/tokens/costs").WithTags("Costs");
        costs.MapGet("/", GetCosts).WithName("GetCosts")
            .WithSummary("Tokens per operation type: the caller's tenant plan (users), a named tenant's (?tenantId=, services) or the defaults");
        // Plans belong to the directory (agents), not to the tenant's own admins.
        costs.MapPut("/{tenantId:guid}", SetCost).RequireService("agents")
            .WithName("SetTenantCost").WithSummary("Override one operation's cost for a tenant's plan");
        return app;
    }

    public static async Task<Ok<CostsResponse>> GetCosts(Guid? tenantId, Caller caller, BillingDbContext db, CancellationToken cancellationToken)
    {
        Guid? tenant = caller.IsUser ? caller.TenantId : tenantId;
        var rows = await db.OperationCosts.AsNoTracking()
            .Where(c => c.TenantId == null || c.TenantId == tenant)
            .ToListAsync(cancellationToken);
        var costs = rows.OrderBy(c => c.TenantId is not null) // tenant rows last: they win
            .Aggregate(new SortedDictionary<string, long>(), (map, c) => { map[c.OperationType] = c.Tokens; return map; });
        return TypedResults.Ok(new CostsResponse(tenant, costs));
    }

    public static async Task<Results<NoContent, ValidationProblem>> SetCost(
        Guid tenantId, SetCostRequest request, BillingDbContext db, CancellationToken cancellationToken)
    {
        var errors = Validation.Errors();
        errors.Check(Validation.IsOperationName(request.OperationType), "operationType", "operationType must be a lower-case name such as sms.");
        errors.Check(request.Tokens is >= 0 and <= Validation.MaxCost, "tokens", $"tokens must be between 0 and {Validation.MaxCost}.");
        errors.Check(tenantId != Guid.Empty, "tenantId", "tenantId must be a non-empty UUID.");
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO operation_costs (tenant_id, operation_type, tokens) VALUES ({tenantId}, {request.OperationType}, {request.Tokens})
            ON CONFLICT (coalesce(tenant_id, '00000000-0000-0000-0000-000000000000'), operation_type) DO UPDATE SET tokens = excluded.tokens
            """, cancellationToken);
        return TypedResults.NoContent();
    }
}
