using AgentCloud.Billing.Ledger;
using Microsoft.Extensions.Options;
using Npgsql;

namespace AgentCloud.Billing.Jobs;

/// <summary>
/// Releases holds whose time ran out, so a crashed caller never keeps tokens reserved. The expiries go through the
/// ledger's batch writer together; replicas may race for a hold: the loser finds it settled and does nothing. A commit
/// that arrives late expires the hold itself (billing_settle_holds, Migrations/0007), so correctness never waits for this sweep.
/// </summary>
public sealed partial class HoldExpirySweeper(TokenLedger ledger, IOptions<BillingOptions> options, ILogger<HoldExpirySweeper> logger) : BackgroundService
{
    public async Task<int> SweepOnceAsync(CancellationToken cancellationToken)
    {
        var due = await ledger.ExpiredHoldsAsync(1000, cancellationToken);
        var results = await Task.WhenAll(due.Select(holdId => ledger.ExpireAsync(holdId, cancellationToken)));
        var expired = results.Count(r => r.Outcome == "expired");
        if (expired > 0)
        {
            LogExpired(expired);
        }
        return expired;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.HoldSweepInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await SweepOnceAsync(stoppingToken);
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException)
            {
                LogSweepFailed(e);
            }
        }
    }

    [LoggerMessage(LogLevel.Information, "Expired {Count} holds")]
    partial void LogExpired(int count);

    [LoggerMessage(LogLevel.Warning, "Hold expiry sweep failed; retrying at the next tick")]
    partial void LogSweepFailed(Exception exception);
}
