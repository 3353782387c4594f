using System.Text.Json;
using AgentCloud.EventBus.Abstractions;

namespace AgentCloud.Contracts.Triggers;

/// <summary>
/// A trigger fired: start a run of <see cref="AgentId"/> (seed 003's event: trigger_id, tenant_id, agent_id, system,
/// timestamp, payload). The tenant is the event's TenantId (CloudEvent <c>tenantid</c>), Subject is the trigger id, and
/// the event Id is the fire's id in the trigger's event log (<c>GET /triggers/{trigger_id}/events</c>), so a consumer's
/// inbox absorbs a redelivery. <see cref="Payload"/> is per system (see services/triggers/README.md).
/// <see cref="UserId"/> is the user the trigger acts for (who created it). <see cref="ConversationId"/>, when set, is the
/// conversation the run belongs to. <see cref="Reminder"/>, when set, is a reminder's text (seed 001): deliver it into
/// <see cref="ConversationId"/> as a <c>reminder_triggered</c> tool message.
/// </summary>
[EventType("agentcloud.triggers.trigger-fired")]
public sealed record TriggerFired(
    Guid TriggerId,
    Guid AgentId,
    string System,
    DateTimeOffset Timestamp,
    JsonElement Payload,
    Guid? UserId = null,
    Guid? ConversationId = null,
    string? Reminder = null) : IntegrationEvent;
