namespace AgentCloud.Triggers.Scheduling;

/// <summary>
/// The time triggers are scheduled by: a keyed <see cref="TimeProvider"/> (default the system clock), so tests can
/// move the schedule's clock without moving the one tokens are validated by.
/// </summary>
public static class Clock
{
    public const string Key = "triggers";
}
