using AgentCloud.ServiceDefaults.Lifecycle;

namespace AgentCloud.Triggers.Listeners;

/// <summary>Wakes this replica's <see cref="ListenerPoller"/> when a polling trigger was created or changed here.</summary>
public sealed class ListenerSignal : WakeSignal;
