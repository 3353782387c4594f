using AgentCloud.ServiceDefaults.Lifecycle;

namespace AgentCloud.EventBus.Outbox;

/// <summary>Wakes the in-process outbox relay as soon as a staged event is saved.</summary>
sealed class OutboxSignal : WakeSignal;
