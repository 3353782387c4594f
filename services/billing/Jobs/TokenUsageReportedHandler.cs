using AgentCloud.Billing.Ledger;
using AgentCloud.Contracts.Billing;
using AgentCloud.EventBus.Abstractions;

namespace AgentCloud.Billing.Jobs;

/// <summary>Charges usage reported after the fact, once per event id (the inbox and the ledger key both guard it).</summary>
public sealed class TokenUsageReportedHandler(TokenLedger ledger) : IIntegrationEventHandler<TokenUsageReported>
{
    public Task HandleAsync(TokenUsageReported @event, CancellationToken cancellationToken) =>
        @event.Tokens < 0 || !Guid.TryParse(@event.TenantId, out var tenantId) || tenantId == Guid.Empty
            || string.IsNullOrWhiteSpace(@event.OperationType)
            ? Task.CompletedTask // malformed report: nothing sensible to charge; dropping beats poisoning the stream
            : ledger.RecordUsageAsync(new UsageCommand(
                tenantId, @event.LocationId, @event.UserId, @event.SessionId, @event.OperationType, @event.Tokens,
                @event.Description, @event.Id), cancellationToken);
}
