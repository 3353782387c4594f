using System.Text.Json;
using AgentCloud.ToolGateway.Clients;

namespace AgentCloud.ToolGateway.Execution.Steps;

/// <summary>
/// A tool that bills reserves its price first: a billing hold of the definition's operation × quantity (billing prices
/// it for the tenant), idempotent by <see cref="ToolCall.HoldKey"/>. The hold id is not saved here: a recovery finds the
/// hold by that key. Settled by <see cref="ChargeTokens"/>.
/// </summary>
public sealed class ReserveTokens(IBillingClient billing, FaultPoints faults, ILogger<ReserveTokens> logger)
{
    public async Task<StepOutcome?> RunAsync(ToolCall call, CancellationToken cancellationToken)
    {
        var (command, definition) = (call.Command, call.Definition);
        if (definition.TokenCost == 0)
        {
            return null;
        }
        using var step = ToolGatewayTelemetry.Step("billing.hold", definition.Key);
        HoldResult hold;
        try
        {
            call.HoldUnanswered = true;
            hold = await billing.HoldAsync(command.TenantId, command.LocationId, command.UserId, definition.CostOperation ?? definition.Key,
                definition.CostQuantity, call.HoldKey, $"tool {definition.Key}", cancellationToken);
            call.HoldUnanswered = false;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or InvalidOperationException or JsonException)
        {
            logger.LogWarning(e, "Billing hold failed for tool {ToolKey}", definition.Key);
            return StepOutcome.Fail("billing_unavailable", "Tokens could not be reserved right now; nothing was done.");
        }
        step?.SetTag("agentcloud.tokens.amount", hold.Amount);
        if (hold.Status == HoldStatus.Insufficient)
        {
            var feeNote = hold.MonthlyFee is { } fee ? $" This month's fee of {fee.Tokens} token(s) ({fee.Month:yyyy-MM}) took them." : "";
            return StepOutcome.Fail("insufficient_tokens",
                $"The tenant does not have the {hold.Amount} token(s) '{definition.Key}' costs ({hold.Available} available); nothing was done.{feeNote}");
        }
        call.HoldId = hold.HoldId;
        faults.Reached(FaultPoints.AfterHold);
        return null;
    }
}
