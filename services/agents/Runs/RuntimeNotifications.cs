using Npgsql;

namespace AgentCloud.Agents.Runs;

/// <summary>
/// The cross-replica wake-ups, over PostgreSQL LISTEN/NOTIFY on one dedicated connection: <c>agent_runs</c> (a run
/// became claimable: wake the dispatcher) and <c>agent_run_events</c> (a run changed: wake its waiters and streams).
/// Every waiter also polls, so a notification lost while reconnecting only delays.
/// </summary>
public sealed class RuntimeNotifications(NpgsqlDataSource dataSource, RunQueueSignal queue, RunSignals runs, ILogger<RuntimeNotifications> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(stoppingToken);
                connection.Notification += (_, e) =>
                {
                    if (e.Channel == "agent_runs")
                    {
                        queue.Notify();
                    }
                    else if (Guid.TryParse(e.Payload, out var runId))
                    {
                        runs.Stopped(runId, null);
                    }
                };
                await using (var listen = new NpgsqlCommand("LISTEN agent_runs; LISTEN agent_run_events", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }
                while (!stoppingToken.IsCancellationRequested)
                {
                    await connection.WaitAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
            {
                logger.LogWarning("Lost the LISTEN connection ({Error}); reconnecting", e.GetType().Name);
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }
}
