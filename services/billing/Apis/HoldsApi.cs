using AgentCloud.Billing.Infrastructure;
using AgentCloud.Billing.Jobs;
using AgentCloud.Billing.Ledger;
using AgentCloud.Billing.Model;
using AgentCloud.Contracts.Billing;
using AgentCloud.ServiceDefaults.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AgentCloud.Billing.Apis;

/// <summary>Reserve → commit | release, for the services that run paid operations. Idempotent: see each handler.</summary>
public static class HoldsApi
{
    public static IEndpointRouteBuilder MapHoldsApi(this IEndpointRouteBuilder app)
    {
        var holds = app.MapGroup("/tokens/holds").WithTags("Holds").RequireService("tool-gateway", "agents");
        holds.MapPost("/", PlaceHold).WithName("PlaceHold").WithSummary("Reserve tokens for an operation (402 when it cannot be paid)");
        holds.MapGet("/{holdId:guid}", GetHold).WithName("GetHold").WithSummary("A hold's state");
        holds.MapGet("/by-key", FindHoldByKey).WithName("FindHoldByKey")
            .WithSummary("The hold placed with this (tenantId, idempotencyKey), as it is now; 404 when there is none");
        holds.MapPost("/{holdId:guid}/commit", CommitHold).WithName("CommitHold").WithSummary("Charge a hold (optionally a smaller final amount)");
        holds.MapPost("/{holdId:guid}/release", ReleaseHold).WithName("ReleaseHold").WithSummary("Give a hold's tokens back");
        return app;
    }

    /// <summary>A retry with the same (tenantId, idempotencyKey) answers the first hold and reserves nothing more.</summary>
    public static async Task<Results<Ok<HoldResponse>, ProblemHttpResult, ValidationProblem>> PlaceHold(
        PlaceHoldRequest request, TokenLedger ledger, IOptions<BillingOptions> options, TimeProvider clock, CancellationToken cancellationToken)
    {
        var ttl = request.TtlSeconds ?? options.Value.DefaultHoldTtlSeconds;
        var errors = Validation.Errors();
        errors.Check(request.TenantId != Guid.Empty, "tenantId", "tenantId is required.");
        errors.Check(Validation.IsOperationName(request.OperationType), "operationType", "operationType is required (e.g. sms, email).");
        errors.Check(!string.IsNullOrWhiteSpace(request.IdempotencyKey) && request.IdempotencyKey.Length <= 200,
            "idempotencyKey", "idempotencyKey is required (at most 200 characters).");
        errors.Check(request.Quantity is null or (>= 1 and <= Validation.MaxQuantity), "quantity", $"quantity must be between 1 and {Validation.MaxQuantity}.");
        errors.Check(ttl >= 1 && ttl <= options.Value.MaxHoldTtlSeconds, "ttlSeconds", $"ttlSeconds must be between 1 and {options.Value.MaxHoldTtlSeconds}.");
        errors.Check(Validation.IsShortText(request.SessionId, 200), "sessionId", "sessionId is at most 200 characters.");
        errors.Check(Validation.IsShortText(request.Description, 2000), "description", "description is at most 2000 characters.");
        errors.Check(request.Metadata is null or { ValueKind: System.Text.Json.JsonValueKind.Object }, "metadata", "metadata must be a JSON object.");
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var result = await ledger.PlaceHoldAsync(new HoldCommand(
            request.TenantId, request.LocationId, request.OperationType, request.Quantity ?? 1, request.IdempotencyKey, ttl,
            request.UserId, request.SessionId, request.Description, request.Metadata), cancellationToken);
        return result.Outcome switch
        {
            "held" or "existing" => TypedResults.Ok(new HoldResponse(
                result.HoldId!.Value, result.AccountId!.Value, result.Amount, null, result.Status!, result.AvailableTokens, result.ExpiresAt)),
            "unknown_operation" => TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["operationType"] = [$"Unknown operation type '{request.OperationType}'."],
            }),
            _ => await MonthlyFees.InsufficientTokensAsync(ledger, result, MonthlyFeeJob.MonthOf(clock.GetUtcNow()), cancellationToken),
        };
    }

    public static async Task<Results<Ok<HoldResponse>, NotFound>> GetHold(Guid holdId, BillingDbContext db, CancellationToken cancellationToken) =>
        await FindAsync(db, db.TokenHolds.Where(h => h.Id == holdId), cancellationToken) is { } hold ? TypedResults.Ok(hold) : TypedResults.NotFound();

    /// <summary>
    /// What became of the hold a caller placed with this key, without placing one: for a caller that stopped before it
    /// saw (or saved) the answer, e.g. the tool gateway recovering an interrupted call. A refused hold left no row: 404.
    /// </summary>
    public static async Task<Results<Ok<HoldResponse>, NotFound, ValidationProblem>> FindHoldByKey(
        Guid? tenantId, string? idempotencyKey, BillingDbContext db, CancellationToken cancellationToken)
    {
        var errors = Validation.Errors();
        errors.Check(tenantId is { } t && t != Guid.Empty, "tenantId", "tenantId is required.");
        errors.Check(!string.IsNullOrWhiteSpace(idempotencyKey) && idempotencyKey.Length <= 200,
            "idempotencyKey", "idempotencyKey is required (at most 200 characters).");
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }
        var holds = db.TokenHolds.Where(h => h.TenantId == tenantId && h.IdempotencyKey == idempotencyKey);
        return await FindAsync(db, holds, cancellationToken) is { } hold ? TypedResults.Ok(hold) : TypedResults.NotFound();
    }

    static Task<HoldResponse?> FindAsync(BillingDbContext db, IQueryable<TokenHold> holds, CancellationToken cancellationToken) =>
        holds.AsNoTracking()
            .Select(h => new HoldResponse(h.Id, h.AccountId, h.Amount, h.CommittedAmount, h.Status,
                db.TokenAccounts.First(a => a.Id == h.AccountId).AvailableTokens, h.ExpiresAt))
            .FirstOrDefaultAsync(cancellationToken);

    /// <summary>Committing a committed hold answers the first commit again; an expired hold answers 410, a released one 409.</summary>
    public static async Task<Results<Ok<HoldResponse>, NotFound, ProblemHttpResult, ValidationProblem>> CommitHold(
        Guid holdId, CommitHoldRequest? request, TokenLedger ledger, CancellationToken cancellationToken)
    {
        if (request?.Amount is < 0 or > long.MaxValue / 4)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["amount"] = ["amount must be zero or more."] });
        }
        var result = await ledger.CommitAsync(holdId, request?.Amount, cancellationToken);
        return result.Outcome switch
        {
            "committed" or "already_committed" => TypedResults.Ok(ToResponse(result)),
            "not_found" => TypedResults.NotFound(),
            "expired" => TypedResults.Problem(statusCode: StatusCodes.Status410Gone, title: "The hold expired before the commit; its tokens were released.",
                extensions: new Dictionary<string, object?> { ["holdId"] = holdId, ["holdStatus"] = "expired" }),
            "exceeds_hold" => TypedResults.Problem(statusCode: StatusCodes.Status422UnprocessableEntity,
                title: $"The final amount exceeds the {result.Amount} tokens held; reserve the upper bound.",
                extensions: new Dictionary<string, object?> { ["holdId"] = holdId, ["heldAmount"] = result.Amount }),
            _ => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: $"The hold is {result.Status}; it cannot be committed.",
                extensions: new Dictionary<string, object?> { ["holdId"] = holdId, ["holdStatus"] = result.Status }),
        };
    }

    /// <summary>Releasing twice, or after expiry, is a no-op that answers the hold's state; a committed hold answers 409.</summary>
    public static async Task<Results<Ok<HoldResponse>, NotFound, ProblemHttpResult>> ReleaseHold(
        Guid holdId, TokenLedger ledger, CancellationToken cancellationToken)
    {
        var result = await ledger.ReleaseAsync(holdId, cancellationToken);
        return result.Outcome switch
        {
            "released" or "already_released" or "expired" => TypedResults.Ok(ToResponse(result)),
            "not_found" => TypedResults.NotFound(),
            _ => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: $"The hold is {result.Status}; it cannot be released.",
                extensions: new Dictionary<string, object?> { ["holdId"] = holdId, ["holdStatus"] = result.Status }),
        };
    }

    static HoldResponse ToResponse(SettleResult result) =>
        new(result.HoldId, result.AccountId!.Value, result.Amount, result.CommittedAmount, result.Status!, result.AvailableTokens, null);
}
