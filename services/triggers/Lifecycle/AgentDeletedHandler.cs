using AgentCloud.Contracts.Agents;
using AgentCloud.EventBus.Abstractions;
using AgentCloud.Triggers.Infrastructure;
using AgentCloud.Triggers.Scheduling;
using Microsoft.EntityFrameworkCore;

namespace AgentCloud.Triggers.Lifecycle;

/// <summary>
/// An agent deleted: its triggers are deleted as <c>DELETE /triggers/{id}</c> deletes one (event log, schedule, a
/// listener no other trigger uses), in the inbox's transaction, so they never fire for an agent that is gone.
/// </summary>
public sealed class AgentDeletedHandler(TriggersDbContext db, ILogger<AgentDeletedHandler> logger) : IIntegrationEventHandler<AgentDeleted>
{
    public async Task HandleAsync(AgentDeleted @event, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(@event.TenantId, out var tenantId))
        {
            return;
        }
        var triggers = await db.Triggers.Where(t => t.TenantId == tenantId && t.AgentId == @event.AgentId).ToListAsync(cancellationToken);
        if (triggers.Count == 0)
        {
            return;
        }
        db.Triggers.RemoveRange(triggers);
        await db.SaveChangesAsync(cancellationToken);
        var ids = triggers.Select(t => t.Id).ToList();
        await db.TriggerEvents.Where(e => ids.Contains(e.TriggerId)).ExecuteDeleteAsync(cancellationToken);
        foreach (var key in triggers.Select(t => t.ListenerKey).OfType<string>().Distinct())
        {
            await TriggerActivation.ForgetListenerIfUnusedAsync(db, key, Guid.Empty, cancellationToken);
        }
        logger.LogInformation("Agent {AgentId} of tenant {TenantId} deleted: {Count} trigger(s) deleted with it", @event.AgentId, tenantId, triggers.Count);
    }
}
