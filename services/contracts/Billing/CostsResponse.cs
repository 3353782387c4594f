namespace AgentCloud.Contracts.Billing;

/// <summary>
/// <c>GET /tokens/costs[?tenantId=]</c>: tokens per operation type (<see cref="OperationTypes"/> and the tool
/// operations) — billing's defaults overridden by the tenant's plan. <see cref="TenantId"/> is null for the defaults.
/// </summary>
public sealed record CostsResponse(Guid? TenantId, IReadOnlyDictionary<string, long> Costs);
