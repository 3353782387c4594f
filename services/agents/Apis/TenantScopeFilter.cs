using AgentCloud.Agents.Infrastructure;
using AgentCloud.ServiceDefaults.Auth;

namespace AgentCloud.Agents.Apis;

/// <summary>
/// Limits the request's AgentsDbContext to one tenant before any handler runs: the caller's, or for a service the
/// <c>tenantId</c> route value it acts for. Every group of tenant data carries this filter.
/// </summary>
public sealed class TenantScopeFilter(AgentsDbContext db) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var caller = context.HttpContext.GetCaller();
        db.TenantId = caller switch
        {
            { IsUser: true } => caller.TenantId,
            { IsService: true } when Guid.TryParse(context.HttpContext.GetRouteValue("tenantId")?.ToString(), out var tenant) => tenant,
            _ => Guid.Empty,
        };
        return await next(context);
    }
}

public static class TenantScopeExtensions
{
    public static RouteGroupBuilder WithTenantScope(this RouteGroupBuilder group) => group.AddEndpointFilter<TenantScopeFilter>();
}
