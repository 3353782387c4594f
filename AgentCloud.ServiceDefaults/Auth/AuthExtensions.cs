using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace AgentCloud.ServiceDefaults.Auth;

public static class AuthExtensions
{
    /// <summary>Bearer-token validation, the caller, the policies, and this service's own identity for outgoing calls.</summary>
    public static IHostApplicationBuilder AddDefaultAuthentication(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<AuthOptions>()
            .BindConfiguration(AuthOptions.Section)
            .PostConfigure<IConfiguration, IHostEnvironment>((options, configuration, environment) =>
                options.ServiceName ??= configuration["OTEL_SERVICE_NAME"] ?? environment.ApplicationName);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<SigningKeyProvider>();
        services.TryAddSingleton<AccessTokenWriter>();
        services.TryAddSingleton<ServiceTokenSource, RemoteServiceTokenSource>();
        services.TryAddTransient<ServiceTokenHandler>();

        services.AddAuthentication(AuthenticationSchemes.Bearer)
            .AddPolicyScheme(AuthenticationSchemes.Bearer, null, options => options.ForwardDefaultSelector = BearerSchemes.Select)
            .AddJwtBearer(BearerSchemes.Platform)
            .AddJwtBearer(BearerSchemes.ExternalIssuer);
        services.AddSingleton<IConfigureOptions<JwtBearerOptions>, BearerSchemes.ConfigureOptions>();
        services.AddAuthorization(options =>
        {
            options.AddPolicy(AuthorizationPolicies.User, policy => policy
                .RequireAuthenticatedUser()
                .RequireAssertion(context => Caller.FromPrincipal(context.User) is { IsUser: true }));
            options.AddPolicy(AuthorizationPolicies.TenantAdmin, policy => policy
                .RequireAuthenticatedUser()
                .RequireAssertion(context => Caller.FromPrincipal(context.User) is { IsTenantAdmin: true }));
        });
        services.AddOptions<AuthorizationOptions>().Configure<IOptions<AuthOptions>>((authorization, auth) =>
        {
            if (auth.Value.RequireAuthenticatedCaller)
            {
                authorization.FallbackPolicy = new AuthorizationPolicyBuilder()
                    .RequireAssertion(context => context.User.Identity?.IsAuthenticated == true
                        || (context.Resource is HttpContext http && AuthorizationPolicies.AnonymousPaths.Contains(http.Request.Path.Value ?? "")))
                    .Build();
            }
        });
        return builder;
    }

    /// <summary>
    /// Outgoing calls of this client carry this service's own token for the service they address (unless the request
    /// sets one). The handler goes first, ahead of discovery (which replaces the logical name by an address) and of
    /// retries (which resend the same token).
    /// </summary>
    public static IHttpClientBuilder AddServiceIdentity(this IHttpClientBuilder builder) =>
        builder.ConfigureAdditionalHttpMessageHandlers((handlers, services) => handlers.Insert(0, services.GetRequiredService<ServiceTokenHandler>()));

    /// <summary>The agents service issues tokens itself, so its own service token is minted locally.</summary>
    public static IServiceCollection AddLocalServiceTokenIssuer(this IServiceCollection services)
    {
        services.RemoveAll<ServiceTokenSource>();
        services.AddSingleton<ServiceTokenSource, LocalServiceTokenSource>();
        return services;
    }

    public static WebApplication UseDefaultAuthentication(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseAuthorization();
        // Every service says who the caller is: handy for clients, and the auth layer's smoke test in every service.
        app.MapGet("/auth/whoami", (Caller caller) => TypedResults.Ok(caller))
            .RequireAuthorization() // also where other endpoints are anonymous by default (the web app)
            .WithName("WhoAmI").WithSummary("The authenticated caller, as this service sees it").WithTags("Auth");
        return app;
    }
}
