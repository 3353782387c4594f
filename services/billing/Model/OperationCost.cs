namespace AgentCloud.Billing.Model;

/// <summary>Tokens per operation: TenantId null is the platform default (seed 002), otherwise the tenant's plan.</summary>
public sealed class OperationCost
{
    public Guid Id { get; set; }
    public Guid? TenantId { get; set; }
    public required string OperationType { get; set; }
    public long Tokens { get; set; }
}
