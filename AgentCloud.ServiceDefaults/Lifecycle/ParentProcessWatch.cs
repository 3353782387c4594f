using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AgentCloud.ServiceDefaults.Lifecycle;

/// <summary>
/// When an orchestrator started this process (it sets AGENTCLOUD_PARENT_PID), stop as soon as that orchestrator is gone,
/// so even a kill -9 of the AppHost leaves no orphaned service behind.
/// </summary>
sealed class ParentProcessWatch(IConfiguration configuration, IHostApplicationLifetime lifetime, ILogger<ParentProcessWatch> logger)
    : BackgroundService
{
    public const string Variable = "AGENTCLOUD_PARENT_PID";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!int.TryParse(configuration[Variable], out var parentPid))
        {
            return;
        }

        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            if (!Directory.Exists($"/proc/{parentPid}"))
            {
                logger.LogWarning("Orchestrator process {ParentPid} is gone; stopping", parentPid);
                lifetime.StopApplication();
                return;
            }
        }
    }
}

public static class ParentProcessWatchExtensions
{
    public static IServiceCollection AddParentProcessWatch(this IServiceCollection services) =>
        services.AddHostedService<ParentProcessWatch>();
}
