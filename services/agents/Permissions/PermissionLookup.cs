using AgentCloud.Agents.Infrastructure;
using AgentCloud.Agents.Model;
using Microsoft.EntityFrameworkCore;

namespace AgentCloud.Agents.Permissions;

/// <summary>A user's effective permissions from agentsdb (the rule is <see cref="PermissionRule"/>), for the API and the runtime.</summary>
public static class PermissionLookup
{
    /// <summary>Null when the user, or the location named, is not the tenant's.</summary>
    public static async Task<EffectivePermissions?> FindAsync(AgentsDbContext db, Guid tenantId, Guid userId, Guid? locationId,
        CancellationToken cancellationToken)
    {
        var user = await db.Users.IgnoreQueryFilters().Where(u => u.TenantId == tenantId && u.Id == userId)
            .Select(u => new { u.Roles }).FirstOrDefaultAsync(cancellationToken);
        if (user is null || (locationId is { } location
            && !await db.Locations.IgnoreQueryFilters().AnyAsync(l => l.TenantId == tenantId && l.Id == location, cancellationToken)))
        {
            return null;
        }
        var grants = await db.PermissionGrants.IgnoreQueryFilters()
            .Where(g => g.TenantId == tenantId && (g.Scope == GrantScopes.Tenant
                || (g.Scope == GrantScopes.User && g.SubjectId == userId)
                || (g.Scope == GrantScopes.Location && g.SubjectId == locationId)))
            .Select(g => new { g.Scope, g.Permission, g.Effect })
            .ToListAsync(cancellationToken);
        IEnumerable<string> Of(string scope, string effect) => grants.Where(g => g.Scope == scope && g.Effect == effect).Select(g => g.Permission);
        return PermissionRule.Resolve(
            userId, user.Roles,
            Of(GrantScopes.Tenant, GrantEffects.Grant), Of(GrantScopes.User, GrantEffects.Grant), Of(GrantScopes.User, GrantEffects.Deny),
            locationId, locationId is null ? null : Of(GrantScopes.Location, GrantEffects.Grant));
    }
}
