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

    Dictionary<string, string[]> Errors { get; init; } = [];

    public bool IsUser => Service is null;

    /// <summary>Answers 400 when a service did not say whom it acts for; put on every route group that binds it.</summary>
    public static async ValueTask<object?> Filter(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        Resolve(context.HttpContext) is { Errors.Count: > 0 } invalid ? TypedResults.ValidationProblem(invalid.Errors) : await next(context);

    public static ValueTask<ActingFor?> BindAsync(HttpContext context, ParameterInfo parameter) => ValueTask.FromResult<ActingFor?>(Resolve(context));

    static ActingFor Resolve(HttpContext http)
    {
        if (http.Items[typeof(ActingFor)] is ActingFor resolved)
        {
            return resolved;
        }
        var caller = http.GetCaller();
        var errors = new Dictionary<string, string[]>();
        ActingFor actor;
        if (caller is { IsUser: true })
        {
            actor = new ActingFor(caller.TenantId, caller.UserId, http.Request.Headers.Authorization.ToString()["Bearer ".Length..].Trim(), null);
        }
        else
        {
            Guid? tenant = Guid.TryParse(http.Request.Query["tenant_id"], out var t) && t != Guid.Empty ? t : null;
            if (tenant is null)
            {
                errors["tenant_id"] = ["A service names the tenant it acts for: tenant_id must be a UUID."];
            }
            Guid? user = null;
            if (http.Request.Query.TryGetValue("user_id", out var userText))
            {
                user = Guid.TryParse(userText, out var u) ? u : null;
                if (user is null)
                {
                    errors["user_id"] = ["user_id must be a UUID."];
                }
            }
            actor = new ActingFor(tenant ?? Guid.Empty, user, null, caller?.ServiceName ?? "unknown") { Errors = errors };
        }
        http.Items[typeof(ActingFor)] = actor;
        return actor;
    }
}
