using AgentCloud.Agents.Infrastructure;
using AgentCloud.ServiceDefaults.Auth;

namespace AgentCloud.Agents.Apis;

/// <summary>
/// Limits every request's AgentsDbContext to one tenant before any endpoint runs: the calling user's, or for a service
/// the <c>tenantId</c> route value it acts for, otherwise none (matches nothing). A middleware rather than a per-group
/// filter, because the context is pooled: an endpoint that forgot a filter would see the previous request's tenant.
/// </summary>
public sealed class TenantScopeMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context, AgentsDbContext db)
    {
        var caller = context.GetCaller();
        db.TenantId = caller switch
        {
            { IsUser: true } => caller.TenantId,
            { IsService: true } when Guid.TryParse(context.GetRouteValue("tenantId")?.ToString(), out var tenant) => tenant,
            _ => Guid.Empty,
        };
        return next(context);
    }
}

public static class TenantScopeExtensions
{
    public static WebApplication UseTenantScope(this WebApplication app)
    {
        app.UseMiddleware<TenantScopeMiddleware>();
        return app;
    }
}
