namespace AgentCloud.Triggers.Scheduling;

/// <summary>
/// The time triggers are scheduled by: a keyed <see cref="TimeProvider"/> (default the system clock), so tests can
/// move the schedule's clock without moving the one tokens are validated by.
/// </summary>
public static class Clock
{
    public const string Key = "triggers";

    /// <summary>Now, to the microsecond (what PostgreSQL keeps), so what an answer shows is what a later read shows.</summary>
    public static DateTimeOffset Now(this TimeProvider time)
    {
        var now = time.GetUtcNow();
        return now.AddTicks(-(now.Ticks % 10));
    }
}
