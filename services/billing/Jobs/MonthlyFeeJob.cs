using AgentCloud.Billing.Ledger;
using Microsoft.Extensions.Options;
using Npgsql;

namespace AgentCloud.Billing.Jobs;

/// <summary>
/// Charges the monthly fee of each tenant account that bought nothing yet this calendar month (UTC): the first purchase
/// of a month pays that month's fee itself (billing_purchase). Safe with any number of replicas and
/// restarts: billing_charge_monthly_fee checks and sets last_monthly_fee_date under the account's row lock, and the
/// ledger's unique (account, monthly-fee:yyyy-MM) key backs it up. The month comes from the TimeProvider.
/// </summary>
public sealed partial class MonthlyFeeJob(TokenLedger ledger, TimeProvider clock, IOptions<BillingOptions> options, ILogger<MonthlyFeeJob> logger)
    : BackgroundService
{
    public static DateOnly MonthOf(DateTimeOffset instant)
    {
        var utc = instant.UtcDateTime;
        return new DateOnly(utc.Year, utc.Month, 1);
    }

    /// <summary>The first instant of a fee month, when its fee falls due.</summary>
    public static DateTimeOffset StartOf(DateOnly month) => new(month.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    /// <summary>Charges every tenant account not yet charged this month; returns how many this call charged.</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        var month = MonthOf(clock.GetUtcNow());
        var charged = 0;
        foreach (var account in await ledger.AccountsDueForFeeAsync(month, cancellationToken))
        {
            if (await ledger.ChargeMonthlyFeeAsync(account, month, cancellationToken))
            {
                charged++;
            }
        }
        if (charged > 0)
        {
            LogCharged(charged, month);
        }
        return charged;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.MonthlyFeeEnabled)
        {
            return;
        }
        using var timer = new PeriodicTimer(options.Value.MonthlyFeeInterval, clock);
        do
        {
            try
            {
                await RunOnceAsync(stoppingToken);
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException)
            {
                LogFeeFailed(e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(LogLevel.Information, "Charged the monthly fee of {Month} to {Count} tenant accounts")]
    partial void LogCharged(int count, DateOnly month);

    [LoggerMessage(LogLevel.Warning, "Monthly fee run failed; retrying at the next tick")]
    partial void LogFeeFailed(Exception exception);
}
