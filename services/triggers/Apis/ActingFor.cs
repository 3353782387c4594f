using System.Reflection;
using AgentCloud.ServiceDefaults.Auth;

namespace AgentCloud.Triggers.Apis;

/// <summary>
/// The tenant and user a request acts for. A user acts for themselves in their own tenant. A service (tool-gateway,
/// agents) names them in the query: <c>tenant_id</c> (required) and <c>user_id</c>; it is trusted to act for the
/// agent it names (the agent runtime told it), so no agent visibility check is made for it.
/// <see cref="BearerToken"/> is the user's own token, passed on to the agents and credentials services.
/// </summary>
public sealed record ActingFor(Guid TenantId, Guid? UserId, string? BearerToken, string? Service)
{
    public static readonly string[] Services = ["tool-gateway", "agents"];

    public bool IsUser => Service is null;

    /// <summary>Resolves who the request acts for, or answers 400; put on every route group of the API.</summary>
    public static async ValueTask<object?> Filter(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var caller = http.GetCaller();
        if (caller is { IsUser: true })
        {
            http.Items[typeof(ActingFor)] = new ActingFor(caller.TenantId, caller.UserId, http.Request.Headers.Authorization.ToString()["Bearer ".Length..].Trim(), null);
            return await next(context);
        }
        var errors = new Dictionary<string, string[]>();
        Guid? tenant = Guid.TryParse(http.Request.Query["tenant_id"], out var t) && t != Guid.Empty ? t : null;
        if (tenant is null)
        {
            errors["tenant_id"] = ["A service names the tenant it acts for: tenant_id must be a UUID."];
        }
        Guid? user = null;
        if (http.Request.Query.TryGetValue("user_id", out var userText))
        {
            if (Guid.TryParse(userText, out var u))
            {
                user = u;
            }
            else
            {
                errors["user_id"] = ["user_id must be a UUID."];
            }
        }
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }
        http.Items[typeof(ActingFor)] = new ActingFor(tenant!.Value, user, null, caller!.ServiceName);
        return await next(context);
    }

    public static ValueTask<ActingFor?> BindAsync(HttpContext context, ParameterInfo parameter) =>
        ValueTask.FromResult(context.Items[typeof(ActingFor)] as ActingFor);
}
