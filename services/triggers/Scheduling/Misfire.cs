using AgentCloud.Triggers.Model;
using AgentCloud.Triggers.Systems;

namespace AgentCloud.Triggers.Scheduling;

/// <summary>What to record for a timer whose tick <c>scheduled</c> is due: a fire, a catch-up, a skip (or a skip and a fire).</summary>
public sealed record TickDecision(string Outcome, DateTimeOffset Tick, int Ticks, DateTimeOffset FirstTick);

/// <summary>
/// The misfire policy. A trigger fires at most once per claim: one due tick within its grace fires as normal; if more
/// than one tick is due (downtime, or the scheduler fell a whole period behind) or the only one is later than the
/// grace, the ticks are missed and the trigger's policy decides: <c>fire_once</c> fires one event for all of them
/// (outcome <c>caught_up</c>, the payload says how many and which), <c>skip</c> records them as <c>skipped</c> without
/// publishing, and still fires the latest tick when that one is within its grace. Never a burst, never silence.
/// </summary>
public static class Misfire
{
    public static IReadOnlyList<TickDecision> Decide(TimerOptions options, DateTimeOffset scheduled, DateTimeOffset now)
    {
        var (count, latest) = options.DueTicks(scheduled, now);
        var onTime = now - latest <= options.Grace;
        if (count == 1 && onTime)
        {
            return [new(TriggerOutcomes.Fired, scheduled, 1, scheduled)];
        }
        if (options.Misfire == TimerOptions.FireOnce)
        {
            return [new(TriggerOutcomes.CaughtUp, latest, count, scheduled)];
        }
        return count > 1 && onTime
            ? [new(TriggerOutcomes.Skipped, scheduled, count - 1, scheduled), new(TriggerOutcomes.Fired, latest, 1, latest)]
            : [new(TriggerOutcomes.Skipped, scheduled, count, scheduled)];
    }
}
