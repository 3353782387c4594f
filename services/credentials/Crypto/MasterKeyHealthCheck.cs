using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AgentCloud.Credentials.Crypto;

/// <summary>Not ready without a usable master key: the vault would only fail closed, so take it out of rotation.</summary>
public sealed class MasterKeyHealthCheck(MasterKeyRing masterKeys) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            return HealthCheckResult.Healthy($"master key version {await masterKeys.GetActiveVersionAsync(cancellationToken)} active");
        }
        catch (MasterKeyUnavailableException e)
        {
            return HealthCheckResult.Unhealthy(e.Message);
        }
    }
}
