using AgentCloud.EventBus.Abstractions;

namespace AgentCloud.EventBus.TestConsumer;

/// <summary>The test event. <paramref name="FailTimes"/>: the handler throws on that many first attempts.</summary>
[EventType("agentcloud.test.work-requested")]
public sealed record WorkRequested(string Key, int FailTimes = 0, int DelayMs = 0) : IntegrationEvent;
