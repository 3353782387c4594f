using AgentCloud.EventBus.Abstractions;

namespace AgentCloud.EventBus.Benchmarks;

/// <summary>About the size of a real event (a TokensDebited with a few ids), plus the publisher's timestamp.</summary>
[EventType("agentcloud.bench.tokens-debited")]
public sealed record BenchEvent(long PublishedAtTicks, string AccountId, string RunId, long Tokens) : IntegrationEvent;
