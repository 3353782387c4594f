using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace AgentCloud.Web.Session;

/// <summary>Signing out: the server-side session (and its tokens) is deleted, then the cookie. Sign-in is the page <c>/account/login</c>.</summary>
public static class AccountEndpoints
{
    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder app)
    {
        // A form post from the layout, not an API: left out of OpenAPI. Binding the form is what checks its antiforgery token.
        app.MapPost("/account/logout", SignOutAsync).ExcludeFromDescription();
        return app;
    }

    static async Task<IResult> SignOutAsync(HttpContext http, UserSessions sessions, IFormCollection form)
    {
        var cookie = await http.AuthenticateAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        if (cookie.Principal?.FindFirstValue(CurrentUser.SessionClaim) is { } session)
        {
            await sessions.EndAsync(session);
        }
        await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        return TypedResults.LocalRedirect("/account/login?signedOut=true");
    }
}
