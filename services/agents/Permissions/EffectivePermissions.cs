namespace AgentCloud.Agents.Permissions;

public sealed record EffectivePermission(string Permission, IReadOnlyList<string> Sources);

public sealed record RemovedPermission(string Permission, string Reason, IReadOnlyList<string> GrantedBy);

public sealed record EffectivePermissions(
    Guid UserId, Guid? LocationId, IReadOnlyList<EffectivePermission> Permissions, IReadOnlyList<RemovedPermission> Removed)
{
    public bool Allows(string permission) => Permissions.Any(p => p.Permission == permission);
}

/// <summary>
/// The rule: effective = (tenant grants ∪ role bundles ∪ user grants) − user denies, and when a location is in scope,
/// ∩ that location's grants (a location with no grants allows nothing). Sources name where each came from:
/// <c>tenant</c>, <c>role:{name}</c>, <c>user</c>.
/// </summary>
public static class PermissionRule
{
    public static EffectivePermissions Resolve(
        Guid userId, IEnumerable<string> roles,
        IEnumerable<string> tenantGrants, IEnumerable<string> userGrants, IEnumerable<string> userDenies,
        Guid? locationId, IEnumerable<string>? locationGrants)
    {
        var sources = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        void Add(string permission, string source)
        {
            if (!sources.TryGetValue(permission, out var list))
            {
                sources[permission] = list = [];
            }
            if (!list.Contains(source))
            {
                list.Add(source);
            }
        }

        foreach (var permission in tenantGrants) Add(permission, "tenant");
        foreach (var role in roles.Where(RoleBundles.IsKnown).Order(StringComparer.Ordinal))
        {
            foreach (var permission in RoleBundles.All[role]) Add(permission, $"role:{role}");
        }
        foreach (var permission in userGrants) Add(permission, "user");

        var denied = userDenies.ToHashSet();
        var atLocation = locationGrants?.ToHashSet();
        var kept = new List<EffectivePermission>();
        var removed = new List<RemovedPermission>();
        foreach (var (permission, from) in sources)
        {
            if (denied.Contains(permission))
            {
                removed.Add(new RemovedPermission(permission, "denied for the user", from));
            }
            else if (atLocation is not null && !atLocation.Contains(permission))
            {
                removed.Add(new RemovedPermission(permission, "not granted at the location", from));
            }
            else
            {
                kept.Add(new EffectivePermission(permission, from));
            }
        }
        return new EffectivePermissions(userId, locationId, kept, removed);
    }
}
