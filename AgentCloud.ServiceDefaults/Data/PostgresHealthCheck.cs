using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace AgentCloud.ServiceDefaults.Data;

sealed class PostgresHealthCheck(NpgsqlDataSource dataSource, SqlMigrationRunner migrations) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var command = dataSource.CreateCommand("SELECT 1");
            await command.ExecuteScalarAsync(cancellationToken);
            return migrations.Completed
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy("migrations not applied yet");
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy("database unreachable", e);
        }
    }
}
