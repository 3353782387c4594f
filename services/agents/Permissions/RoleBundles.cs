using System.Text.RegularExpressions;

namespace AgentCloud.Agents.Permissions;

/// <summary>Named bundles of permissions for the common case; a user's roles count as user-level grants.</summary>
public static partial class RoleBundles
{
    public const string Owner = "owner";
    public const string Admin = "admin";
    public const string Member = "member";

    public static readonly IReadOnlyList<string> MemberPermissions =
        ["email:send", "email:read", "sms:send", "whatsapp:send", "whatsapp:read", "phone:call", "resources:read", "booking:create", "booking:cancel"];

    static readonly IReadOnlyList<string> AdminPermissions =
        ["resources:create", "resources:update", "resources:delete", "agents:manage", "credentials:manage", "directory:manage"];

    public static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> All = new Dictionary<string, IReadOnlyList<string>>
    {
        [Member] = MemberPermissions,
        [Admin] = [.. MemberPermissions, .. AdminPermissions],
        [Owner] = [.. MemberPermissions, .. AdminPermissions, "billing:manage"],
    };

    public static bool IsKnown(string role) => All.ContainsKey(role);

    /// <summary>resource:action, lower case, e.g. <c>email:send</c>.</summary>
    public static bool IsWellFormedPermission(string? permission) => permission is not null && PermissionPattern().IsMatch(permission);

    [GeneratedRegex("^[a-z][a-z0-9_-]{0,63}:[a-z][a-z0-9_-]{0,63}$")]
    private static partial Regex PermissionPattern();
}
