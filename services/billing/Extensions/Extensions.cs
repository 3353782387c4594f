using AgentCloud.Billing.Infrastructure;
using AgentCloud.Billing.Jobs;
using AgentCloud.Billing.Ledger;
using AgentCloud.Contracts.Billing;
using AgentCloud.ServiceDefaults.Auth;
using AgentCloud.ServiceDefaults.Data;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AgentCloud.Billing.Extensions;

public static class Extensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddMigratedNpgsqlDbContext<BillingDbContext>("billingdb");
        builder.AddEventBus()
            .AddOutboxInbox<BillingDbContext>()
            .AddSubscription<TokenUsageReported, TokenUsageReportedHandler>();

        builder.AddPermissionDirectory();

        builder.Services.Configure<BillingOptions>(builder.Configuration.GetSection("Billing"));
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<TokenLedger>();
        builder.Services.AddSingleton<HoldExpirySweeper>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<HoldExpirySweeper>());
        builder.Services.AddSingleton<MonthlyFeeJob>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<MonthlyFeeJob>());
    }
}
