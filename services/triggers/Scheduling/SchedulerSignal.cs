using AgentCloud.ServiceDefaults.Lifecycle;

namespace AgentCloud.Triggers.Scheduling;

/// <summary>Wakes this replica's <see cref="TimerScheduler"/> when a timer was created or changed here.</summary>
public sealed class SchedulerSignal : WakeSignal;
