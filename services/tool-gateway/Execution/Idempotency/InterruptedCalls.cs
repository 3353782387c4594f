using System.Net;
using AgentCloud.Contracts.Billing;
using AgentCloud.Contracts.Tools;
using AgentCloud.ToolGateway.Clients;
using AgentCloud.ToolGateway.Execution.Steps;
using AgentCloud.ToolGateway.Infrastructure;
using AgentCloud.ToolGateway.Model;
using Microsoft.EntityFrameworkCore;

namespace AgentCloud.ToolGateway.Execution.Idempotency;

/// <summary>
/// A call still <c>started</c> after its lease lost its gateway mid-call (a crash, a kill). Whether its tool took
/// effect is not known, so it is never sent again; what billing did is known, and is recorded in the audit row and the
/// answer (status <c>unknown</c>, <c>outcome_unknown</c>). Billing is asked for the call's hold by its idempotency key:
/// <list type="bullet">
/// <item>committed → the tool ran and succeeded (the gateway commits only then): <c>tokensCharged</c> = what was committed;</item>
/// <item>held → released at once: a call that may have reached its target but was not seen to succeed is never billed;</item>
/// <item>released, expired or none → nothing was charged.</item>
/// </list>
/// If billing cannot be asked, nothing is decided: the answer is <c>in_progress</c> and the next attempt asks again.
/// </summary>
public sealed class InterruptedCalls(IBillingClient billing, RecordOutcome record, ToolsDbContext db, ILogger<InterruptedCalls> logger)
{
    public async Task<ToolInvocationResult> RecoverAsync(ToolInvocation stale)
    {
        using var step = ToolGatewayTelemetry.Step("recover", stale.ToolKey);
        HoldResponse? hold;
        try
        {
            hold = await SettleHoldAsync(stale);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            logger.LogWarning(e, "Billing could not say what became of interrupted tool call {ToolCallId}'s hold", stale.ToolCallId);
            return ToolCallClaims.InProgress(stale,
                "An earlier attempt of this tool call stopped before finishing and what it was charged cannot be checked right now; ask again later.");
        }
        var charged = hold is { Status: HoldStates.Committed } ? hold.CommittedAmount ?? hold.Amount : 0;
        step?.SetTag("agentcloud.billing.hold_status", hold?.Status ?? "none").SetTag("agentcloud.tokens.charged", charged);
        var outcome = StepOutcome.Fail("outcome_unknown", charged > 0
            ? $"An earlier attempt of this tool call completed and was charged {charged} token(s), but stopped before its result was recorded; it was not repeated."
            : "An earlier attempt of this tool call stopped before finishing; whether it took effect is unknown, so it was not repeated.");
        stale.HoldId = hold?.HoldId ?? stale.HoldId;
        return await record.SaveAsync(stale, claimed: true, outcome, InvocationStatus.Unknown, charged, latencyMs: 0)
            ?? ToolCallClaims.Stored(await db.ToolInvocations.AsNoTracking().SingleAsync(i => i.Id == stale.Id, CancellationToken.None));
    }

    /// <summary>The call's hold as billing has it, once a hold still held has been released.</summary>
    async Task<HoldResponse?> SettleHoldAsync(ToolInvocation stale)
    {
        var key = ToolCall.HoldKeyOf(stale.TenantId, stale.ToolCallId);
        var hold = await billing.FindHoldAsync(stale.TenantId, key, CancellationToken.None);
        if (hold is not { Status: HoldStates.Held })
        {
            return hold;
        }
        try
        {
            return await billing.ReleaseAsync(hold.HoldId, CancellationToken.None);
        }
        catch (HttpRequestException e) when (e.StatusCode == HttpStatusCode.Conflict)
        {
            // Committed in between by the gateway that claimed the call, slow rather than dead: it was charged.
            return await billing.FindHoldAsync(stale.TenantId, key, CancellationToken.None);
        }
    }
}
