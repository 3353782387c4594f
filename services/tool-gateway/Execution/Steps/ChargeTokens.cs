using System.Diagnostics;
using AgentCloud.ToolGateway.Clients;

namespace AgentCloud.ToolGateway.Execution.Steps;

/// <summary>
/// Where a tool call is charged: the hold <see cref="ReserveTokens"/> placed is committed when the call succeeded and
/// released when it did not. Both are idempotent in billing and retried by the client, because a tool that ran must be
/// charged; if billing stays unreachable the hold expires unbilled and an error is logged for reconciliation.
/// </summary>
public sealed class ChargeTokens(IBillingClient billing, FaultPoints faults, ILogger<ChargeTokens> logger)
{
    public async Task RunAsync(ToolCall call, StepOutcome outcome)
    {
        var key = call.Definition.Key;
        if (call.HoldId is not { } holdId)
        {
            if (call.HoldUnanswered)
            {
                await ReleaseUnansweredHoldAsync(call);
            }
            return;
        }
        if (!outcome.Succeeded)
        {
            await ReleaseQuietlyAsync(holdId, key);
            return;
        }
        using var step = ToolGatewayTelemetry.Step("billing.commit", key);
        try
        {
            call.TokensCharged = await billing.CommitAsync(holdId, CancellationToken.None);
            faults.Reached(FaultPoints.AfterCommit);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            // The action happened but billing stayed unreachable through every retry: the hold expires and is released,
            // so this call goes unbilled. Logged as an error for reconciliation; never re-run the tool.
            logger.LogError(e, "Committing hold {HoldId} for tool {ToolKey} failed", holdId, key);
            step?.SetStatus(ActivityStatusCode.Error, "commit failed");
        }
    }

    async Task ReleaseQuietlyAsync(Guid holdId, string toolKey)
    {
        using var step = ToolGatewayTelemetry.Step("billing.release", toolKey);
        try
        {
            await billing.ReleaseAsync(holdId, CancellationToken.None);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            logger.LogError(e, "Releasing hold {HoldId} for tool {ToolKey} failed", holdId, toolKey);
            step?.SetStatus(ActivityStatusCode.Error, "release failed");
        }
    }

    /// <summary>The hold request failed without an answer (a timeout, the caller gone): billing may hold it all the same.</summary>
    async Task ReleaseUnansweredHoldAsync(ToolCall call)
    {
        try
        {
            if (await billing.FindHoldAsync(call.Command.TenantId, call.HoldKey, CancellationToken.None) is { Status: HoldStates.Held } hold)
            {
                await ReleaseQuietlyAsync(hold.HoldId, call.Definition.Key);
            }
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            logger.LogError(e, "Looking up the unanswered hold of tool call {ToolCallId} failed; it expires unbilled", call.Command.ToolCallId);
        }
    }
}
