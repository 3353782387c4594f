using AgentCloud.ServiceDefaults.Secrets;

namespace AgentCloud.ServiceDefaults.Auth;

/// <summary>The HS256 key from the secret store, read once.</summary>
public sealed class SigningKeyProvider(ISecretStore secrets)
{
    byte[]? _key;

    public async ValueTask<byte[]> GetKeyAsync(CancellationToken cancellationToken = default)
    {
        if (_key is not null)
        {
            return _key;
        }
        var encoded = await secrets.GetRequiredSecretAsync(SecretNames.JwtSigningKey, cancellationToken);
        var key = Convert.FromBase64String(encoded);
        if (key.Length < 32)
        {
            throw new InvalidOperationException($"Secret '{SecretNames.JwtSigningKey}' must be at least 32 bytes (base64).");
        }
        return _key = key;
    }
}
