using AgentCloud.Contracts.Agents;
using AgentCloud.Contracts.Credentials;
using AgentCloud.ServiceDefaults.Auth;
using AgentCloud.ServiceDefaults.Data;
using AgentCloud.Triggers.Clients;
using AgentCloud.Triggers.Firing;
using AgentCloud.Triggers.Infrastructure;
using AgentCloud.Triggers.Lifecycle;
using AgentCloud.Triggers.Listeners;
using AgentCloud.Triggers.Scheduling;
using AgentCloud.Triggers.Webhooks;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AgentCloud.Triggers.Extensions;

public static class Extensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddMigratedNpgsqlDbContext<TriggersDbContext>("triggersdb");
        builder.AddEventBus()
            .AddOutboxInbox<TriggersDbContext>()
            .AddSubscription<CredentialRotated, CredentialChangedHandlers>()
            .AddSubscription<CredentialDeleted, CredentialChangedHandlers>()
            .AddSubscription<AgentDeleted, AgentDeletedHandler>();

        var services = builder.Services;
        services.AddOptions<TriggersSettings>().BindConfiguration(TriggersSettings.Section);
        services.TryAddKeyedSingleton(Clock.Key, TimeProvider.System);

        // Peers: the agents service sees the user's own token; credentials gets this service's identity for reads.
        services.AddHttpClient<AgentsClient>(http => http.BaseAddress = new("http://agents/"));
        services.AddHttpClient<CredentialsClient>(http => http.BaseAddress = new("http://credentials/")).AddServiceIdentity();
        services.AddHttpClient(ListenerFactory.ProviderClient);

        services.AddSingleton<FireLog>();
        services.AddSingleton<SchedulerSignal>();
        services.AddSingleton<TimerScheduler>();
        services.AddHostedService(sp => sp.GetRequiredService<TimerScheduler>());

        services.AddSingleton<ListenerSignal>();
        services.AddSingleton<ListenerFactory>();
        services.AddSingleton<ListenerPoller>();
        services.AddHostedService(sp => sp.GetRequiredService<ListenerPoller>());

        services.AddSingleton<WebhookRateLimiter>();

        services.AddSingleton<Retention>();
        services.AddHostedService(sp => sp.GetRequiredService<Retention>());
    }
}
