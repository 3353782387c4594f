namespace AgentCloud.Agents.Model;

/// <summary>A tenant's key for machine clients: shown once, listed by <see cref="Prefix"/>, stored as a SHA-256 hash.</summary>
public sealed class ApiKey : ITenantOwned
{
    public Guid Id { get; set; }
    public Guid TenantId { get; set; }
    public required string Name { get; set; }
    public required string Prefix { get; set; }
    public required byte[] KeyHash { get; set; }
    public string[] Roles { get; set; } = [AgentCloud.Agents.Permissions.RoleBundles.Member];
    public Guid? CreatedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
}
