using AgentCloud.Credentials.Model;
using AgentCloud.ServiceDefaults.Auth;

namespace AgentCloud.Credentials.Apis;

/// <summary>
/// Who may see and change which credential, for one request. <c>credentials:manage</c> is what the directory (agents
/// service) says the calling user holds, asked once per request by <see cref="CredentialAccessFilter"/>; every user
/// manages their own user-scoped credentials.
/// </summary>
public sealed class CredentialAccess
{
    public const string ManagePermission = "credentials:manage";

    /// <summary>The calling user holds <see cref="ManagePermission"/> (always false for services).</summary>
    public bool ManagesTenant { get; set; }

    /// <summary>Metadata: services of the tenant, managers, and users for tenant-wide credentials and their own.</summary>
    public bool CanSee(Caller caller, Credential credential) =>
        caller.IsService || ManagesTenant || credential.UserId is null || credential.UserId == caller.UserId;

    /// <summary>Rename, change meta, rotate, delete, read the audit log.</summary>
    public bool CanManage(Caller caller, Credential credential) =>
        ManagesTenant || (caller.IsUser && credential.UserId is not null && credential.UserId == caller.UserId);
}

/// <summary>Asks the directory whether a calling user holds <c>credentials:manage</c>; 503 when it cannot answer.</summary>
public sealed class CredentialAccessFilter(IPermissionDirectory directory, CredentialAccess access) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        if (context.HttpContext.GetCaller() is { IsUser: true } caller)
        {
            try
            {
                access.ManagesTenant = await directory.CallerHoldsAsync(caller, CredentialAccess.ManagePermission, context.HttpContext.RequestAborted);
            }
            catch (HttpRequestException e)
            {
                return PermissionDirectoryExtensions.DirectoryUnavailable(CredentialAccess.ManagePermission, e);
            }
        }
        return await next(context);
    }
}
