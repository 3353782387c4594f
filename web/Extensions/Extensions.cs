using AgentCloud.ServiceDefaults.Auth;
using AgentCloud.Web.Services;
using AgentCloud.Web.Session;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.StackExchangeRedis;
using StackExchange.Redis;

namespace AgentCloud.Web.Extensions;

public static class Extensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.AddRedisClient("redis");
        builder.AddCookieSession();

        builder.Services.AddHttpClient<TokenClient>(c => c.BaseAddress = new("http://agents"));
        builder.Services.AddHttpClient<AgentsClient>(c => c.BaseAddress = new("http://agents"));
        builder.Services.AddHttpClient<BillingClient>(c => c.BaseAddress = new("http://billing"));
        builder.Services.AddHttpClient<ToolCatalogClient>(c => c.BaseAddress = new("http://tool-gateway"));
        // A run's event stream stays open for as long as the run goes on: the standard pipeline's 10 s attempt timeout
        // would cut it, and a retry would replay it (the reader reconnects itself with Last-Event-ID).
#pragma warning disable EXTEXP0001 // RemoveAllResilienceHandlers is marked experimental
        builder.Services.AddHttpClient<RunStreamClient>(c =>
        {
            c.BaseAddress = new("http://agents");
            c.Timeout = Timeout.InfiniteTimeSpan;
        }).RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
    }

    /// <summary>
    /// The browser's session: a cookie naming the signed-in user and a server-side session (in Redis) holding the user's
    /// access and refresh tokens, which never reach the browser. Requests that carry a bearer token, and the API paths
    /// (<c>/auth/*</c>), authenticate as in every service (401 ProblemDetails); pages use the cookie and redirect to sign-in.
    /// </summary>
    static void AddCookieSession(this IHostApplicationBuilder builder)
    {
        const string browserOrBearer = "BrowserOrBearer";
        builder.Services.AddAuthentication(options =>
            {
                options.DefaultScheme = browserOrBearer;
                options.DefaultChallengeScheme = browserOrBearer;
            })
            .AddPolicyScheme(browserOrBearer, null, options => options.ForwardDefaultSelector = http =>
                http.Request.Headers.Authorization.Count > 0 || http.Request.Path.StartsWithSegments("/auth")
                    ? AuthenticationSchemes.Bearer
                    : CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(options =>
            {
                options.Cookie.Name = "agentcloud.session";
                options.Cookie.HttpOnly = true;
                options.Cookie.SameSite = SameSiteMode.Lax;
                options.LoginPath = "/account/login";
                options.AccessDeniedPath = "/account/login";
                options.ExpireTimeSpan = UserSessions.Lifetime;
                options.SlidingExpiration = true;
            });
        // The keys that protect the cookie and the forms' antiforgery tokens live in Redis too, so every replica reads
        // them and a restart signs nobody out.
        builder.Services.AddDataProtection().SetApplicationName("agentcloud-web");
        builder.Services.AddOptions<KeyManagementOptions>().Configure<IConnectionMultiplexer>((options, redis) =>
            options.XmlRepository = new RedisXmlRepository(() => redis.GetDatabase(), "web:data-protection-keys"));
        builder.Services.AddCascadingAuthenticationState();
        builder.Services.AddSingleton<UserSessions>();
        builder.Services.AddScoped<CurrentUser>();
    }
}
