using AgentCloud.EventBus.Abstractions;

namespace AgentCloud.Contracts.Agents;

/// <summary>An agent was deleted (its runs keep their records); what starts it, such as its triggers, goes with it.</summary>
[EventType("agentcloud.agents.agent-deleted")]
public sealed record AgentDeleted(Guid AgentId, Guid DeletedBy) : IntegrationEvent;
