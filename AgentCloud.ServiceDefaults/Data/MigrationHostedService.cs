using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AgentCloud.ServiceDefaults.Data;

/// <summary>Runs the migrations during start-up; hosted services start before Kestrel listens, so no request sees an old schema.</summary>
sealed class MigrationHostedService(SqlMigrationRunner runner, ILogger<MigrationHostedService> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var applied = await runner.ApplyAsync(cancellationToken);
        logger.LogInformation("Schema up to date ({Total} scripts, {Applied} applied now: {Versions})",
            runner.Scripts.Count, applied.Count, string.Join(", ", applied));
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
