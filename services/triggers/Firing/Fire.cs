using System.Text.Json;
using AgentCloud.Contracts.Triggers;
using AgentCloud.Triggers.Model;

namespace AgentCloud.Triggers.Firing;

/// <summary>Who a trigger starts, as a fire needs it: denormalised into every event (seed 003).</summary>
public sealed record FireTarget(Guid TriggerId, Guid TenantId, Guid AgentId, Guid? UserId, Guid? ConversationId, string System);

/// <summary>
/// One fire (or one skipped misfire) to record. <see cref="DedupeKey"/> is unique per trigger: a timer tick
/// (<c>tick:{unix ms}</c>), a webhook delivery (<c>webhook:{id}</c>), a polled item (<c>item:{key}</c>).
/// </summary>
public sealed record Fire(
    FireTarget Target, string DedupeKey, string Outcome, DateTimeOffset? ScheduledFor, DateTimeOffset FiredAt, JsonElement Payload,
    string? Reminder = null)
{
    public Guid Id { get; } = Guid.CreateVersion7(FiredAt);

    public bool Publishes => Outcome != TriggerOutcomes.Skipped;

    public TriggerFired ToEvent() =>
        new(Target.TriggerId, Target.AgentId, Target.System, FiredAt, Payload, Target.UserId, Target.ConversationId, Reminder)
        {
            Id = Id.ToString(),
            Time = FiredAt,
            TenantId = Target.TenantId.ToString(),
            Subject = Target.TriggerId.ToString(),
        };
}
