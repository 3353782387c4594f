namespace AgentCloud.ServiceDefaults.Secrets;

/// <summary>
/// Dapr's secrets building block, as an interface: the local transport reads configuration and the AppHost's secrets
/// file; the Dapr transport asks the sidecar's secrets API through DaprClient. Values never reach logs or traces.
/// </summary>
public interface ISecretStore
{
    ValueTask<string?> GetSecretAsync(string name, CancellationToken cancellationToken = default);
}

public static class SecretNames
{
    /// <summary>Wraps per-tenant data keys in the credentials vault (base64, 32 bytes).</summary>
    public const string MasterKey = "MasterKey";

    /// <summary>Signs the platform's access tokens (base64, at least 32 bytes).</summary>
    public const string JwtSigningKey = "JwtSigningKey";
}

public static class SecretStoreExtensions
{
    public static async ValueTask<string> GetRequiredSecretAsync(this ISecretStore store, string name, CancellationToken cancellationToken = default) =>
        await store.GetSecretAsync(name, cancellationToken)
        ?? throw new InvalidOperationException($"Secret '{name}' is not set (Secrets__{name}, or the secrets file).");
}
