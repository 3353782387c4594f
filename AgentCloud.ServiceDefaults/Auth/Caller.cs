using System.Reflection;
using System.Security.Claims;
using Microsoft.AspNetCore.Http;

namespace AgentCloud.ServiceDefaults.Auth;

/// <summary>
/// Who is calling, from the validated token. A user caller has <see cref="UserId"/> and <see cref="TenantId"/>; a
/// service caller has <see cref="ServiceName"/>, no user and <see cref="TenantId"/> = <see cref="Guid.Empty"/> (it
/// names the tenant it acts for in the request). Take it as a handler parameter: minimal APIs bind it.
/// </summary>
public sealed record Caller(Guid? UserId, Guid TenantId, IReadOnlySet<string> Roles, IReadOnlyList<Guid> TeamIds, string? ServiceName)
{
    public bool IsService => ServiceName is not null;

    public bool IsUser => !IsService && UserId is not null && TenantId != Guid.Empty;

    public bool IsTenantAdmin => IsUser && (Roles.Contains(AgentCloudRoles.Owner) || Roles.Contains(AgentCloudRoles.Admin));

    /// <summary>Users reach only their own tenant; services act for any tenant they are asked to.</summary>
    public bool CanAccessTenant(Guid tenantId) => IsService || (IsUser && TenantId == tenantId);

    public static Caller? FromPrincipal(ClaimsPrincipal principal)
    {
        if (principal.Identity?.IsAuthenticated != true)
        {
            return null;
        }
        var service = principal.FindFirst(AgentCloudClaims.Service)?.Value;
        if (service is not null)
        {
            // A service token never carries a user: whatever else it says is ignored.
            return new Caller(null, Guid.Empty, new HashSet<string>(), [], service);
        }
        return Guid.TryParse(principal.FindFirst(AgentCloudClaims.Subject)?.Value, out var user)
            && Guid.TryParse(principal.FindFirst(AgentCloudClaims.Tenant)?.Value, out var tenant)
            ? new Caller(
                user,
                tenant,
                principal.FindAll(AgentCloudClaims.Roles).Select(c => c.Value).ToHashSet(),
                [.. principal.FindAll(AgentCloudClaims.Teams).Select(c => Guid.TryParse(c.Value, out var t) ? t : Guid.Empty).Where(t => t != Guid.Empty)],
                null)
            : null;
    }

    public static ValueTask<Caller?> BindAsync(HttpContext context, ParameterInfo parameter) =>
        ValueTask.FromResult(context.GetCaller());
}

public static class CallerHttpContextExtensions
{
    public static Caller? GetCaller(this HttpContext context) => Caller.FromPrincipal(context.User);
}
