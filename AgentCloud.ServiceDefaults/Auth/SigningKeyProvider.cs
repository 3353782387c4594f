using AgentCloud.ServiceDefaults.Secrets;
using Microsoft.IdentityModel.Tokens;

namespace AgentCloud.ServiceDefaults.Auth;

/// <summary>The platform's HS256 key from the secret store, read once.</summary>
public sealed class SigningKeyProvider(ISecretStore secrets)
{
    SymmetricSecurityKey? _key;

    /// <summary>The key once <see cref="GetSecurityKeyAsync"/> has read it (token validation is synchronous).</summary>
    public SymmetricSecurityKey? Loaded => _key;

    public async ValueTask<byte[]> GetKeyAsync(CancellationToken cancellationToken = default) =>
        (await GetSecurityKeyAsync(cancellationToken)).Key;

    public async ValueTask<SymmetricSecurityKey> GetSecurityKeyAsync(CancellationToken cancellationToken = default)
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
        return _key = new SymmetricSecurityKey(key);
    }
}
