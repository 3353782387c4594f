using AgentCloud.Billing.Infrastructure;
using AgentCloud.Billing.Jobs;
using AgentCloud.Billing.Ledger;
using AgentCloud.Billing.Model;
using AgentCloud.Contracts.Billing;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace AgentCloud.Billing.Apis;

/// <summary>What the balance, a purchase and a refused hold say about the monthly fee.</summary>
static class MonthlyFees
{
    /// <summary>The policy, as the purchase endpoint's OpenAPI description (the README says the same).</summary>
    public const string PurchasePolicy =
        "Buys tokens for the tenant (with locationId: for that location's own account, which pays no monthly fee). " +
        "Monthly fee policy: the tenant's monthly fee (the monthly_fee cost, 200 tokens unless its plan says otherwise) " +
        "for a UTC month is paid by the tenant's first purchase of that month, in the same transaction, right after the " +
        "tokens are added: availableTokens in the answer is the balance after it, monthlyFeeCharged what the fee took (0 " +
        "when none was due) and monthlyFee.nextDueAt when the next one is due. A purchase that cannot cover the fee it " +
        "carries (balance + amount below the fee, e.g. a first purchase smaller than the fee) is refused with 422 naming " +
        "the fee (monthlyFee, monthlyFeeMonth) and the least amount that covers it (minimumAmount); nothing is bought or " +
        "charged. A tenant that bought before and buys nothing in a month is charged by the monthly job early in the " +
        "month, even into a negative balance; paid actions are then refused with 402 naming the fee until purchases " +
        "cover them. A repeated idempotency key answers the first purchase again (fee included) and adds nothing.";

    public static async Task<MonthlyFeeInfo?> InfoAsync(
        BillingDbContext db, Guid tenantId, TokenAccount? account, DateOnly month, CancellationToken cancellationToken)
    {
        if (account?.LocationId is not null)
        {
            return null;
        }
        var amount = await db.OperationCosts.AsNoTracking()
            .Where(c => c.OperationType == OperationTypes.MonthlyFee && (c.TenantId == null || c.TenantId == tenantId))
            .OrderBy(c => c.TenantId == null) // the tenant's plan first
            .Select(c => c.Tokens).FirstOrDefaultAsync(cancellationToken);
        var last = account?.LastMonthlyFeeDate;
        var paid = last >= month;
        return new MonthlyFeeInfo(amount, last, account?.LastMonthlyFeeAt, account?.LastMonthlyFeeTokens ?? 0, paid ? 0 : amount,
            MonthlyFeeJob.StartOf(paid ? last!.Value.AddMonths(1) : month));
    }

    public static ProblemHttpResult NotCovered(PurchaseResult result, DateOnly month) =>
        TypedResults.Problem(statusCode: StatusCodes.Status422UnprocessableEntity,
            title: "The purchase does not cover the monthly fee",
            detail: $"The monthly fee of {result.MonthlyFeeDue} tokens for {month:yyyy-MM} is due and is paid first from this purchase. " +
                $"The balance is {result.AvailableTokens}, so buy at least {result.MonthlyFeeDue - result.AvailableTokens} tokens; nothing was bought.",
            extensions: new Dictionary<string, object?>
            {
                ["monthlyFee"] = result.MonthlyFeeDue,
                ["monthlyFeeMonth"] = month,
                ["availableTokens"] = result.AvailableTokens,
                ["minimumAmount"] = result.MonthlyFeeDue - result.AvailableTokens,
            });

    /// <summary>
    /// A hold refused (402). When this month's fee took the tokens it needed (it would be paid without the fee, or the
    /// fee took the balance below zero: only fees and usage reported after the fact can), the answer names the fee and
    /// when it was charged, rather than a bare "insufficient tokens".
    /// </summary>
    public static async Task<ProblemHttpResult> InsufficientTokensAsync(
        TokenLedger ledger, HoldResult result, DateOnly month, CancellationToken cancellationToken)
    {
        var (available, required) = (result.AvailableTokens, result.Amount);
        var extensions = new Dictionary<string, object?> { ["availableTokens"] = available, ["requiredTokens"] = required };
        var fee = result.AccountId is { } account ? await ledger.LastMonthlyFeeAsync(account, cancellationToken) : null;
        if (fee is null || fee.Month < month || fee.Tokens == 0 || (available >= 0 && available + fee.Tokens < required))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status402PaymentRequired, title: "Insufficient tokens",
                detail: $"The operation needs {required} tokens; {available} are available.", extensions: extensions);
        }
        extensions["monthlyFee"] = fee.Tokens;
        extensions["monthlyFeeMonth"] = fee.Month;
        extensions["monthlyFeeChargedAt"] = fee.ChargedAt;
        return TypedResults.Problem(statusCode: StatusCodes.Status402PaymentRequired, title: "Insufficient tokens: the monthly fee took them",
            detail: $"The operation needs {required} tokens; {available} are available since the monthly fee of {fee.Tokens} tokens " +
                $"for {fee.Month:yyyy-MM} was charged at {fee.ChargedAt:u}. Buy at least {required - available} tokens.",
            extensions: extensions);
    }
}
