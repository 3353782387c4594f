namespace AgentCloud.Triggers.Model;

/// <summary>
/// The durable schedule of an active timer trigger: its next fire time. Schedulers claim due rows with
/// <c>FOR UPDATE SKIP LOCKED</c>; the row exists only while the trigger is active and has a tick ahead.
/// <see cref="Version"/> is the trigger's version the time was computed from.
/// </summary>
public sealed class TimerSchedule
{
    public Guid TriggerId { get; set; }
    public DateTimeOffset NextFireAt { get; set; }
    public int Version { get; set; }
}
