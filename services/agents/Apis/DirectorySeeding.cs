using AgentCloud.Agents.Infrastructure;
using AgentCloud.Agents.Model;
using Microsoft.AspNetCore.Identity;

namespace AgentCloud.Agents.Apis;

/// <summary>Adds (unsaved) the rows a new tenant starts with; shared by sign-up and the demo seed.</summary>
public static class DirectorySeeding
{
    public static (Guid TenantId, Guid TeamId) NewTenant(
        AgentsDbContext db, TimeProvider time, string name, string licensePlan, string? contactPerson, string teamName, Guid? tenantId = null)
    {
        var now = time.GetUtcNow();
        var tenant = new Tenant { Id = tenantId ?? Guid.CreateVersion7(), Name = name, LicensePlan = licensePlan, ContactPerson = contactPerson, CreatedAt = now };
        var team = new Team { Id = Guid.CreateVersion7(), TenantId = tenant.Id, Name = teamName, CreatedAt = now };
        db.Tenants.Add(tenant);
        db.Teams.Add(team);
        return (tenant.Id, team.Id);
    }

    public static User NewUser(
        AgentsDbContext db, PasswordHasher<User> hasher, TimeProvider time, Guid tenantId, Guid? teamId,
        string email, string displayName, string? password, string[] roles)
    {
        var user = new User { Id = Guid.CreateVersion7(), TenantId = tenantId, Email = email, DisplayName = displayName, Roles = roles, CreatedAt = time.GetUtcNow() };
        if (password is not null)
        {
            user.PasswordHash = hasher.HashPassword(user, password);
        }
        db.Users.Add(user);
        if (teamId is { } team)
        {
            db.TeamMembers.Add(new TeamMember { TeamId = team, UserId = user.Id, TenantId = tenantId });
        }
        return user;
    }
}
