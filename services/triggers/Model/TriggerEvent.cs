namespace AgentCloud.Triggers.Model;

/// <summary>
/// One entry of a trigger's event log; its <see cref="Id"/> is the published <c>TriggerFired</c>'s id.
/// <see cref="DedupeKey"/> is unique per trigger (a timer tick, a webhook id, a polled item), so nothing fires twice.
/// </summary>
public sealed class TriggerEvent
{
    public Guid TriggerId { get; set; }
    public Guid Id { get; set; }
    public Guid TenantId { get; set; }
    public required string DedupeKey { get; set; }
    public required string Outcome { get; set; }
    public DateTimeOffset? ScheduledFor { get; set; }
    public DateTimeOffset FiredAt { get; set; }
    public string? Payload { get; set; }
}

public static class TriggerOutcomes
{
    /// <summary>Fired on time (a tick within its grace, a webhook delivery, a polled item).</summary>
    public const string Fired = "fired";

    /// <summary>Fired once for missed ticks (misfire policy <c>fire_once</c>).</summary>
    public const string CaughtUp = "caught_up";

    /// <summary>Missed ticks not fired (misfire policy <c>skip</c>): recorded, nothing published.</summary>
    public const string Skipped = "skipped";
}
