using AgentCloud.Billing.Infrastructure;
using AgentCloud.Billing.Jobs;
using AgentCloud.Billing.Ledger;
using AgentCloud.Billing.Model;
using AgentCloud.ServiceDefaults.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AgentCloud.Billing.Apis;

/// <summary>Seed 002's token API: balance and usage (members of the tenant), purchases (tenant admins).</summary>
public static class TokensApi
{
    /// <summary>Buying tokens and changing billing settings (the directory grants it; the owner role has it).</summary>
    public const string BillingManage = "billing:manage";

    public static IEndpointRouteBuilder MapTokensApi(this IEndpointRouteBuilder app)
    {
        var tokens = app.MapGroup("/tokens").WithTags("Tokens");
        tokens.MapGet("/balance/{tenantId:guid}", GetBalance)
            .RequireUserOrService("tool-gateway", "agents", "web").RequireTenantFromRoute()
            .WithName("GetBalance").WithSummary("The balance that pays for the tenant, or for a location in it");
        tokens.MapGet("/usage/{tenantId:guid}", GetUsage)
            .RequireUserOrService("agents", "web").RequireTenantFromRoute()
            .WithName("GetUsage").WithSummary("Usage log, newest first, filtered by location, time range, user and operation type");
        tokens.MapPost("/add/{tenantId:guid}", AddTokens)
            .RequirePermission(BillingManage)
            .WithName("AddTokens").WithSummary("Purchase tokens (idempotent by key); the month's first purchase pays the monthly fee")
            .WithDescription(MonthlyFees.PurchasePolicy)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        tokens.MapPut("/settings/{tenantId:guid}", UpdateSettings)
            .RequirePermission(BillingManage)
            .WithName("UpdateBillingSettings").WithSummary("The tenant's low-balance threshold (BalanceLow events)");
        return app;
    }

    public static async Task<Ok<BalanceResponse>> GetBalance(Guid tenantId, Guid? locationId, BillingDbContext db, TimeProvider clock,
        IOptions<BillingOptions> options, CancellationToken cancellationToken)
    {
        var account = await db.TokenAccounts.AsNoTracking()
            .Where(a => a.TenantId == tenantId && (a.LocationId == null || a.LocationId == locationId))
            .OrderBy(a => a.LocationId == null) // the location's own account first: it pays when it exists
            .FirstOrDefaultAsync(cancellationToken);
        var fee = options.Value.MonthlyFeeEnabled
            ? await MonthlyFees.InfoAsync(db, tenantId, account, MonthlyFeeJob.MonthOf(clock.GetUtcNow()), cancellationToken)
            : null;
        if (account is null)
        {
            return TypedResults.Ok(new BalanceResponse(tenantId, locationId, null, "none", 0, 0, 0, 0, null, 0, fee));
        }
        // The account's used total counts holds from the moment they are placed (see 0003_hold_functions.sql).
        var reserved = await db.TokenHolds.Where(h => h.Status == "held" && h.AccountId == account.Id).SumAsync(h => h.Amount, cancellationToken);
        return TypedResults.Ok(new BalanceResponse(tenantId, locationId, account.Id, account.LocationId is null ? "tenant" : "location",
            account.AvailableTokens, reserved, account.TotalTokensPurchased, account.TotalTokensUsed - reserved,
            account.LastMonthlyFeeDate, account.LowBalanceThreshold, fee));
    }

    public static async Task<Results<Ok<UsagePage>, ValidationProblem>> GetUsage(
        Guid tenantId, [AsParameters] UsageQuery query, BillingDbContext db, CancellationToken cancellationToken)
    {
        var limit = query.Limit ?? 50;
        var offset = query.Offset ?? 0;
        var errors = Validation.Errors();
        errors.Check(limit is >= 1 and <= 500, "limit", "limit must be between 1 and 500.");
        errors.Check(offset >= 0, "offset", "offset must be zero or more.");
        errors.Check(query.From is null || query.To is null || query.From <= query.To, "from", "from must not be after to.");
        errors.Check(query.OperationType is null || Validation.IsOperationName(query.OperationType), "operationType", "Unknown operation type format.");
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var logs = db.TokenUsageLogs.AsNoTracking().Where(u => u.TenantId == tenantId);
        if (query.LocationId is { } location)
        {
            logs = logs.Where(u => u.LocationId == location);
        }
        if (query.UserId is { } user)
        {
            logs = logs.Where(u => u.UserId == user);
        }
        if (query.OperationType is { } operation)
        {
            logs = logs.Where(u => u.OperationType == operation);
        }
        if (query.From is { } from)
        {
            logs = logs.Where(u => u.CreatedAt >= from);
        }
        if (query.To is { } to)
        {
            logs = logs.Where(u => u.CreatedAt < to);
        }
        var items = await logs.OrderByDescending(u => u.CreatedAt).ThenBy(u => u.Id).Skip(offset).Take(limit)
            .Select(u => new UsageItem(u.Id, u.TenantId, u.LocationId, u.UserId, u.SessionId, u.OperationType, u.TokensUsed,
                u.Description, u.Metadata, u.HoldId, u.CreatedAt))
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(new UsagePage(items, limit, offset));
    }

    /// <summary>
    /// The same key (body or Idempotency-Key header) answers the first purchase again and adds nothing. The month's first
    /// purchase pays the monthly fee or is refused when it cannot (<see cref="MonthlyFees.PurchasePolicy"/>).
    /// </summary>
    public static async Task<Results<Ok<AddTokensResponse>, ValidationProblem, ProblemHttpResult>> AddTokens(
        Guid tenantId, AddTokensRequest request, [FromHeader(Name = "Idempotency-Key")] string? idempotencyKeyHeader,
        TokenLedger ledger, BillingDbContext db, TimeProvider clock, IOptions<BillingOptions> options, CancellationToken cancellationToken)
    {
        var key = request.IdempotencyKey ?? idempotencyKeyHeader;
        var errors = Validation.Errors();
        errors.Check(request.Amount is >= 1 and <= Validation.MaxPurchase, "amount", $"amount must be between 1 and {Validation.MaxPurchase}.");
        errors.Check(key is null || (key.Length is >= 1 and <= 200), "idempotencyKey", "idempotencyKey is 1 to 200 characters.");
        errors.Check(request.LocationId != Guid.Empty, "locationId", "locationId must be a non-empty UUID.");
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }
        var month = MonthlyFeeJob.MonthOf(clock.GetUtcNow());
        var feeOn = options.Value.MonthlyFeeEnabled;
        var result = await ledger.PurchaseAsync(tenantId, request.LocationId, request.Amount, key, feeOn ? month : null, cancellationToken);
        if (result.Outcome == "fee_not_covered")
        {
            return MonthlyFees.NotCovered(result, month);
        }
        var account = await db.TokenAccounts.AsNoTracking().SingleAsync(a => a.Id == result.AccountId, cancellationToken);
        var fee = feeOn ? await MonthlyFees.InfoAsync(db, tenantId, account, month, cancellationToken) : null;
        return TypedResults.Ok(new AddTokensResponse(tenantId, request.LocationId, account.Id, result.Amount, result.AvailableTokens,
            result.TotalTokensPurchased, result.MonthlyFeeCharged, fee));
    }

    public static async Task<Results<NoContent, ValidationProblem>> UpdateSettings(
        Guid tenantId, BillingSettingsRequest request, BillingDbContext db, CancellationToken cancellationToken)
    {
        if (request.LowBalanceThreshold is < 0 or > Validation.MaxPurchase)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["lowBalanceThreshold"] = [$"lowBalanceThreshold must be between 0 and {Validation.MaxPurchase}."],
            });
        }
        await db.TokenAccounts.Where(a => a.TenantId == tenantId)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.LowBalanceThreshold, request.LowBalanceThreshold), cancellationToken);
        return TypedResults.NoContent();
    }
}

public sealed record UsageQuery(
    Guid? LocationId, int? Limit, int? Offset, DateTimeOffset? From, DateTimeOffset? To, Guid? UserId, string? OperationType);
