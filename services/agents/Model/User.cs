namespace AgentCloud.Agents.Model;

public sealed class User : ITenantOwned
{
    public Guid Id { get; set; }
    public Guid TenantId { get; set; }
    public required string Email { get; set; }
    public required string DisplayName { get; set; }
    public string? PasswordHash { get; set; }
    public string[] Roles { get; set; } = [AgentCloud.Agents.Permissions.RoleBundles.Member];
    public DateTimeOffset CreatedAt { get; set; }
    public List<TeamMember> Teams { get; set; } = [];
}
