using AgentCloud.EventBus.Abstractions;
using AgentCloud.EventBus.Hosting;
using AgentCloud.EventBus.Outbox;
using AgentCloud.ServiceDefaults.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

public static class EventBusBuilderExtensions
{
    /// <summary>Runs <typeparamref name="THandler"/> (scoped) for each <typeparamref name="TEvent"/> this service's group receives.</summary>
    public static IEventBusBuilder AddSubscription<TEvent, THandler>(this IEventBusBuilder builder)
        where TEvent : IntegrationEvent
        where THandler : class, IIntegrationEventHandler<TEvent>
    {
        builder.Services.TryAddScoped<THandler>();
        builder.Services.Configure<Subscriptions>(s => s.Add<TEvent, THandler>());
        return builder;
    }

    /// <summary>
    /// Outbox (stage events with <see cref="IIntegrationEventOutbox"/>, relayed by a background service) and inbox
    /// (handlers run once per event id, in a transaction on <typeparamref name="TContext"/>). The context must call
    /// <c>modelBuilder.AddOutboxInbox()</c> and be registered with <c>AddMigratedNpgsqlDbContext</c> first: this adds the
    /// library's table script to that database's migrations.
    /// </summary>
    public static IEventBusBuilder AddOutboxInbox<TContext>(this IEventBusBuilder builder) where TContext : DbContext
    {
        var runner = builder.Services.LastOrDefault(d => d.ServiceType == typeof(SqlMigrationRunner))?.ImplementationInstance as SqlMigrationRunner
            ?? throw new InvalidOperationException($"Call AddMigratedNpgsqlDbContext<{typeof(TContext).Name}>() before AddOutboxInbox.");
        runner.Include(typeof(OutboxMessage).Assembly);
        builder.Services.AddSingleton<IInbox, EfInbox<TContext>>();
        builder.Services.AddSingleton<IIntegrationEventOutbox, IntegrationEventOutbox>();
        builder.Services.AddSingleton<OutboxRelay<TContext>>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<OutboxRelay<TContext>>());
        return builder;
    }
}
