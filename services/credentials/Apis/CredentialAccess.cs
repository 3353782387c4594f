using AgentCloud.Credentials.Model;
using AgentCloud.ServiceDefaults.Auth;

namespace AgentCloud.Credentials.Apis;

/// <summary>
/// Who may see and change which credential. <c>credentials:manage</c> is held by the tenant's owners and admins until
/// the permissions directory (agents service) answers it; every user manages their own user-scoped credentials.
/// </summary>
public static class CredentialAccess
{
    public const string ManagePermission = "credentials:manage";

    public static bool CanManageTenant(Caller caller) => caller.IsTenantAdmin;

    /// <summary>Metadata: services of the tenant, managers, and users for tenant-wide credentials and their own.</summary>
    public static bool CanSee(Caller caller, Credential credential) =>
        caller.IsService || CanManageTenant(caller) || credential.UserId is null || credential.UserId == caller.UserId;

    /// <summary>Rename, change meta, rotate, delete, read the audit log.</summary>
    public static bool CanManage(Caller caller, Credential credential) =>
        CanManageTenant(caller) || (caller.IsUser && credential.UserId is not null && credential.UserId == caller.UserId);
}
