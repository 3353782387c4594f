using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgentCloud.Agents.Agents;
using AgentCloud.Agents.Infrastructure;
using AgentCloud.Agents.Loop;
using AgentCloud.Agents.Runs;
using AgentCloud.Contracts.Triggers;
using AgentCloud.EventBus.Abstractions;
using Microsoft.EntityFrameworkCore;

namespace AgentCloud.Agents.Conversations;

/// <summary>
/// Events in (seed 003): a trigger fired, so its agent runs, as the user the trigger acts for (else the agent's owner), in
/// the conversation the trigger names when it still belongs to that agent and user, else in a new one. What fired comes
/// in as a tool-role message (seed 001's <c>reminder_triggered</c> for a reminder, <c>trigger_fired</c> otherwise), which
/// the model reads as an event note. The run's id is the fire's event id, so a redelivery never starts a second run.
/// Runs of triggers always queue behind an active run of their conversation: a timer never interrupts a person.
/// </summary>
public sealed class TriggerFiredHandler(
    AgentsDbContext db, AgentDefinitions definitions, RunDispatcher dispatcher, TokenCounter tokens, ILogger<TriggerFiredHandler> logger)
    : IIntegrationEventHandler<TriggerFired>
{
    public async Task HandleAsync(TriggerFired @event, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(@event.TenantId, out var tenantId) || !Guid.TryParse(@event.Id, out var runId))
        {
            logger.LogWarning("Trigger event {EventId} has no tenant or no id; ignored", @event.Id);
            return;
        }
        if (await db.Runs.IgnoreQueryFilters().AnyAsync(r => r.Id == runId, cancellationToken))
        {
            return;
        }
        var agent = await definitions.FindCurrentAsync(tenantId, @event.AgentId, cancellationToken);
        var userId = @event.UserId ?? agent?.OwnerUserId;
        if (agent is null || userId is null || !await MayUseAsync(tenantId, userId.Value, agent, cancellationToken))
        {
            logger.LogWarning("Trigger {TriggerId} fired for agent {AgentId}, which its user cannot use (or which is gone); no run",
                @event.TriggerId, @event.AgentId);
            return;
        }

        var sessionId = await ConversationOfAsync(@event.ConversationId, tenantId, agent.Id, userId.Value, cancellationToken) ?? Guid.CreateVersion7();
        var (kind, text) = @event.Reminder is { } reminder
            ? ("reminder", $"reminder_triggered: {reminder}")
            : ("trigger", $"trigger_fired: {@event.System} at {@event.Timestamp:O}; payload {@event.Payload.GetRawText()}");
        var input = new JsonObject
        {
            ["message"] = text,
            ["messageId"] = Guid.CreateVersion7().ToString(),
            ["role"] = "tool",
            ["tokens"] = tokens.Count(text) + TokenCounter.MessageOverhead,
            ["trigger"] = new JsonObject { ["triggerId"] = @event.TriggerId.ToString(), ["system"] = @event.System },
        };
        var title = kind == "reminder" ? $"Reminder: {Shorten(@event.Reminder!)}" : $"Trigger: {@event.System}";
        var result = await dispatcher.EnqueueAsync(new EnqueueCommand(runId, tenantId, sessionId, agent.Id, agent.Version, userId.Value, null,
            title, kind, input, DoubleTextingPolicies.Enqueue, null, Activity.Current?.Id), cancellationToken);
        logger.LogInformation("Trigger {TriggerId} fired: run {RunId} {Outcome}", @event.TriggerId, runId, result.Outcome);
    }

    async Task<bool> MayUseAsync(Guid tenantId, Guid userId, CurrentAgent agent, CancellationToken cancellationToken)
    {
        var user = await db.Users.IgnoreQueryFilters().AsNoTracking()
            .Where(u => u.Id == userId && u.TenantId == tenantId)
            .Select(u => new { Teams = u.Teams.Select(t => t.TeamId).ToList() })
            .FirstOrDefaultAsync(cancellationToken);
        return user is not null && AgentAccess.CanSee(userId, user.Teams, agent.OwnerUserId, agent.Scope, agent.TeamId);
    }

    async Task<Guid?> ConversationOfAsync(Guid? conversationId, Guid tenantId, Guid agentId, Guid userId, CancellationToken cancellationToken) =>
        conversationId is { } id && await db.Conversations.IgnoreQueryFilters().AnyAsync(
            c => c.Id == id && c.TenantId == tenantId && c.AgentId == agentId && c.UserId == userId && c.ParentSessionId == null, cancellationToken)
            ? id
            : null;

    static string Shorten(string text) => text.Length <= 50 ? text : text[..50] + "…";
}
