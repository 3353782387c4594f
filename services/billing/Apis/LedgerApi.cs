using AgentCloud.Billing.Ledger;
using AgentCloud.Billing.Model;
using AgentCloud.ServiceDefaults.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AgentCloud.Billing.Apis;

/// <summary>Proof that every balance equals the sum of its ledger.</summary>
public static class LedgerApi
{
    public static IEndpointRouteBuilder MapLedgerApi(this IEndpointRouteBuilder app)
    {
        var ledger = app.MapGroup("/tokens/ledger").WithTags("Ledger");
        ledger.MapGet("/verify", VerifyAll).RequireService("agents")
            .WithName("VerifyLedger").WithSummary("balance == sum(ledger) for every account");
        ledger.MapGet("/verify/{tenantId:guid}", VerifyTenant).RequirePermission(TokensApi.BillingManage)
            .WithName("VerifyTenantLedger").WithSummary("balance == sum(ledger) for the tenant's accounts");
        return app;
    }

    public static async Task<Ok<LedgerVerification>> VerifyAll(TokenLedger ledger, CancellationToken cancellationToken) =>
        TypedResults.Ok(ToVerification(await ledger.VerifyAsync(null, cancellationToken)));

    public static async Task<Ok<LedgerVerification>> VerifyTenant(Guid tenantId, TokenLedger ledger, CancellationToken cancellationToken) =>
        TypedResults.Ok(ToVerification(await ledger.VerifyAsync(tenantId, cancellationToken)));

    static LedgerVerification ToVerification((int Accounts, IReadOnlyList<LedgerMismatch> Mismatches) result) =>
        new(result.Mismatches.Count == 0, result.Accounts, result.Mismatches);
}
