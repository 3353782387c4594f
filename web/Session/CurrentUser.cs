using System.Security.Claims;
using AgentCloud.ServiceDefaults.Auth;
using AgentCloud.Web.Services;
using Microsoft.AspNetCore.Components.Authorization;

namespace AgentCloud.Web.Session;

/// <summary>The signed-in user as the cookie names them.</summary>
public sealed record SignedInUser(Guid UserId, Guid TenantId, string Name, string Email, IReadOnlySet<string> Roles)
{
    public bool IsAdmin => Roles.Contains(AgentCloudRoles.Owner) || Roles.Contains(AgentCloudRoles.Admin);
}

/// <summary>Thrown when the browser's session has ended (signed out elsewhere, expired, refresh refused): sign in again.</summary>
public sealed class SessionEndedException() : Exception("Your session has ended. Please sign in again.");

/// <summary>
/// Who is signed in and their access token, for pages rendered on the server and for interactive circuits alike (both
/// see the user through <see cref="AuthenticationStateProvider"/>).
/// </summary>
public sealed class CurrentUser(AuthenticationStateProvider authentication, UserSessions sessions, TokenClient tokens)
{
    public const string SessionClaim = "sid";
    public const string NameClaim = "name";
    public const string EmailClaim = "email";

    public async Task<SignedInUser> GetAsync()
    {
        var principal = (await authentication.GetAuthenticationStateAsync()).User;
        return Guid.TryParse(principal.FindFirstValue(AgentCloudClaims.Subject), out var user)
            && Guid.TryParse(principal.FindFirstValue(AgentCloudClaims.Tenant), out var tenant)
            ? new SignedInUser(user, tenant, principal.FindFirstValue(NameClaim) ?? "", principal.FindFirstValue(EmailClaim) ?? "",
                principal.FindAll(AgentCloudClaims.Roles).Select(c => c.Value).ToHashSet())
            : throw new SessionEndedException();
    }

    public async Task<string> AccessTokenAsync(CancellationToken cancellationToken)
    {
        var principal = (await authentication.GetAuthenticationStateAsync()).User;
        return principal.FindFirstValue(SessionClaim) is { } session
            && await sessions.AccessTokenAsync(session, tokens.RefreshAsync, cancellationToken) is { } token
            ? token
            : throw new SessionEndedException();
    }

    /// <summary>The cookie's principal for a user who just signed in, naming their server-side session.</summary>
    public static ClaimsPrincipal Principal(string session, UserProfile user, Guid tenantId) => new(new ClaimsIdentity(
        [
            new(SessionClaim, session), new(AgentCloudClaims.Subject, user.Id.ToString()), new(AgentCloudClaims.Tenant, tenantId.ToString()),
            new(NameClaim, user.DisplayName), new(EmailClaim, user.Email), .. user.Roles.Select(r => new Claim(AgentCloudClaims.Roles, r)),
        ],
        Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationDefaults.AuthenticationScheme, NameClaim, AgentCloudClaims.Roles));
}
