namespace AgentCloud.Billing.FunctionalTests;

/// <summary>A TimeProvider the test sets by hand.</summary>
public sealed class ManualClock(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}
