using AgentCloud.EventBus.Admin;
using AgentCloud.EventBus.Dapr;
using AgentCloud.ServiceDefaults.Data;
using Microsoft.AspNetCore.Builder;

namespace AgentCloud.EventBus.TestConsumer;

/// <summary>
/// Builds the app from settings: <c>ConnectionStrings:redis</c>, optionally <c>ConnectionStrings:effectsdb</c> (then with
/// outbox and inbox), and any <c>EventBus:*</c> options. Listens on <c>urls</c> (default a free loopback port).
/// </summary>
public static class TestApp
{
    public static WebApplication Build(IReadOnlyDictionary<string, string?> settings, string[]? args = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args ?? [],
            ApplicationName = typeof(TestApp).Assembly.GetName().Name,
            EnvironmentName = "Testing",
        });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["urls"] = "http://127.0.0.1:0" });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddSingleton<HandlerProbe>();

        var withDatabase = builder.Configuration.GetConnectionString("effectsdb") is not null;
        if (withDatabase)
        {
            builder.AddMigratedNpgsqlDbContext<EffectsDbContext>("effectsdb");
        }
        var bus = builder.AddEventBus().AddSubscription<WorkRequested, RecordEffect>();
        if (withDatabase)
        {
            bus.AddOutboxInbox<EffectsDbContext>();
        }

        builder.AddServiceDefaults();

        var app = builder.Build();
        app.MapDefaultEndpoints();
        app.MapEventBusAdminApi();
        app.MapEventBusDaprEndpoints();
        return app;
    }
}
