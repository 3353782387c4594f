using System.Security.Cryptography;
using System.Text;
using AgentCloud.ServiceDefaults.Secrets;

namespace AgentCloud.ServiceDefaults.Auth;

/// <summary>
/// Client credentials of the platform's services: each has a secret <c>ServiceSecret-{name}</c> in the secret store
/// (the AppHost generates them), which it trades for a service token at the agents service.
/// </summary>
public static class ServiceClients
{
    public static readonly IReadOnlyList<string> Known = ["agents", "tool-gateway", "credentials", "triggers", "billing", "web"];

    public static string SecretName(string service) => $"ServiceSecret-{service}";

    /// <summary>True when <paramref name="clientSecret"/> is the secret of a known service (constant-time compare).</summary>
    public static async ValueTask<bool> ValidateAsync(
        this ISecretStore secrets, string? clientId, string? clientSecret, CancellationToken cancellationToken = default)
    {
        if (clientId is null || clientSecret is null || !Known.Contains(clientId))
        {
            return false;
        }
        var expected = await secrets.GetSecretAsync(SecretName(clientId), cancellationToken);
        return expected is { Length: > 0 }
            && CryptographicOperations.FixedTimeEquals(
                SHA256.HashData(Encoding.UTF8.GetBytes(expected)), SHA256.HashData(Encoding.UTF8.GetBytes(clientSecret)));
    }
}
