namespace AgentCloud.Agents.Model;

public sealed class PermissionGrant : ITenantOwned
{
    public Guid Id { get; set; }
    public Guid TenantId { get; set; }
    /// <summary><c>tenant</c>, <c>user</c> or <c>location</c> (<see cref="GrantScopes"/>).</summary>
    public required string Scope { get; set; }
    /// <summary>The user or location; null for the tenant.</summary>
    public Guid? SubjectId { get; set; }
    public required string Permission { get; set; }
    /// <summary><c>grant</c>, or <c>deny</c> (user scope only).</summary>
    public string Effect { get; set; } = GrantEffects.Grant;
    public DateTimeOffset CreatedAt { get; set; }
}

public static class GrantScopes
{
    public const string Tenant = "tenant";
    public const string User = "user";
    public const string Location = "location";
}

public static class GrantEffects
{
    public const string Grant = "grant";
    public const string Deny = "deny";
}
