namespace AgentCloud.Contracts.Agents;

/// <summary>
/// <c>GET http://agents/agents/{agentId}</c> as other services read it (the full agent carries more fields).
/// 200 to a caller who can see the agent (its owner, its team, or a service naming the tenant with
/// <c>?tenantId=</c>), 404 otherwise.
/// </summary>
public sealed record AgentSummary(Guid Id, Guid TenantId, string Name, Guid OwnerUserId, string Scope, Guid? TeamId, int Version, bool IsDefault);
