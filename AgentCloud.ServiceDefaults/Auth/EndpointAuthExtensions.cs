using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace AgentCloud.ServiceDefaults.Auth;

/// <summary>Who may call an endpoint: <c>.RequireUser()</c>, <c>.RequireTenantAdmin()</c>, <c>.RequireService("tool-gateway")</c>.</summary>
public static class EndpointAuthExtensions
{
    /// <summary>A signed-in user (or API key) of some tenant; service tokens get 403.</summary>
    public static TBuilder RequireUser<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(AuthorizationPolicies.User);

    /// <summary>A user with the owner or admin role of their tenant.</summary>
    public static TBuilder RequireTenantAdmin<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(AuthorizationPolicies.TenantAdmin);

    /// <summary>Only these services' own identities (client credentials); any user token gets 403.</summary>
    public static TBuilder RequireService<TBuilder>(this TBuilder builder, params string[] services) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(policy => policy
            .AddAuthenticationSchemes(AuthenticationSchemes.Bearer)
            .RequireAssertion(context => Caller.FromPrincipal(context.User) is { IsService: true } caller && services.Contains(caller.ServiceName!)));

    /// <summary>A user, or one of these services acting for a tenant named in the request.</summary>
    public static TBuilder RequireUserOrService<TBuilder>(this TBuilder builder, params string[] services) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(policy => policy
            .AddAuthenticationSchemes(AuthenticationSchemes.Bearer)
            .RequireAssertion(context => Caller.FromPrincipal(context.User) is { } caller
                && (caller.IsUser || (caller.IsService && services.Contains(caller.ServiceName!)))));

    /// <summary>
    /// The route's tenant id must be the caller's tenant: otherwise 404, as if it did not exist. Services pass
    /// (they act for the tenant they name).
    /// </summary>
    public static TBuilder RequireTenantFromRoute<TBuilder>(this TBuilder builder, string parameter = "tenantId")
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var caller = context.HttpContext.GetCaller();
            var routed = context.HttpContext.GetRouteValue(parameter)?.ToString();
            return caller is not null && Guid.TryParse(routed, out var tenantId) && caller.CanAccessTenant(tenantId)
                ? await next(context)
                : TypedResults.NotFound();
        });

    /// <summary>Seed 004: the user in the URL must be the user in the token (403 otherwise). Services pass.</summary>
    public static TBuilder RequireUserFromRoute<TBuilder>(this TBuilder builder, string parameter = "userId")
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var caller = context.HttpContext.GetCaller();
            var routed = context.HttpContext.GetRouteValue(parameter)?.ToString();
            return caller is { IsService: true } || (caller is { IsUser: true } && Guid.TryParse(routed, out var userId) && caller.UserId == userId)
                ? await next(context)
                : TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "The user in the URL is not the user in the token.");
        });
}

public static class AuthorizationPolicies
{
    public const string User = "agentcloud-user";
    public const string TenantAdmin = "agentcloud-tenant-admin";

    /// <summary>Stay anonymous under the fallback policy: probes and the API description.</summary>
    public static readonly IReadOnlySet<string> AnonymousPaths = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "/health", "/alive", "/openapi/v1.json",
    };
}
