using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace AgentCloud.ServiceDefaults.Errors;

public static class ProblemDetailsExtensions
{
    /// <summary>
    /// ProblemDetails for every error answer. Unreadable input throws in every environment (ASP.NET Core does so only in
    /// Development, and answers a bare 400 elsewhere) so that <see cref="BadRequestExceptionHandler"/> answers it the same
    /// way everywhere: 400 with what could not be read.
    /// </summary>
    public static IServiceCollection AddDefaultProblemDetails(this IServiceCollection services)
    {
        services.AddProblemDetails();
        services.AddExceptionHandler<BadRequestExceptionHandler>();
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        return services;
    }
}
