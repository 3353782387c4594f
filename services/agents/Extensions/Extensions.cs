using System.Globalization;
using System.Threading.RateLimiting;
using AgentCloud.Agents.Apis;
using AgentCloud.Agents.Conversations;
using AgentCloud.Contracts.Triggers;
using AgentCloud.Agents.Identity;
using AgentCloud.Agents.Infrastructure;
using AgentCloud.Agents.Model;
using AgentCloud.Agents.Models;
using AgentCloud.Agents.Runs;
using AgentCloud.ServiceDefaults.Auth;
using AgentCloud.ServiceDefaults.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace AgentCloud.Agents.Extensions;

public static class Extensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddMigratedNpgsqlDbContext<AgentsDbContext>("agentsdb");
        builder.AddRedisClient("redis");
        builder.AddEventBus().AddOutboxInbox<AgentsDbContext>()
            .AddSubscription<TriggerFired, TriggerFiredHandler>();
        builder.AddModelProviders();
        builder.AddAgentRuntime();
        builder.Services.AddLocalServiceTokenIssuer();

        builder.Services.AddOptions<DirectoryOptions>().BindConfiguration(DirectoryOptions.Section);
        builder.Services.AddSingleton<PasswordHasher<User>>();
        builder.Services.AddSingleton<FailedAttemptThrottle>();
        builder.Services.AddSingleton<UserTokenIssuer>();
        builder.Services.AddHostedService<DemoSeeder>();
        builder.Services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = (context, _) =>
            {
                if (context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
                {
                    context.HttpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                }
                return ValueTask.CompletedTask;
            };
            options.AddPolicy(TenantsApi.SignUpRateLimit, http => RateLimitPartition.GetFixedWindowLimiter(
                http.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = http.RequestServices.GetRequiredService<IOptions<DirectoryOptions>>().Value.SignUpsPerAddressPerMinute,
                    Window = TimeSpan.FromMinutes(1),
                    QueueLimit = 0,
                }));
        });
    }
}
