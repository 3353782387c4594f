using System.Collections.Concurrent;
using AgentCloud.ServiceDefaults.Secrets;

namespace AgentCloud.Credentials.Crypto;

/// <summary>
/// The master key versions in the secret store: version 1 is <c>MasterKey</c>, version N ≥ 2 is <c>MasterKey-vN</c>.
/// The active version (used for new wraps) is the highest of the consecutive versions present. Older versions keep
/// unwrapping data keys until a rotation has re-wrapped them all; only then may the operator remove them from the store
/// (lowest first; at most 31 retired versions are skipped when probing).
/// </summary>
public sealed class MasterKeyRing(ISecretStore secrets)
{
    const int MaxVersions = 1000;
    const int MaxRetiredProbe = 32;

    readonly ConcurrentDictionary<int, byte[]> _keys = new();
    readonly SemaphoreSlim _refresh = new(1, 1);
    volatile int _active;

    public static string SecretName(int version) =>
        version == 1 ? SecretNames.MasterKey : $"{SecretNames.MasterKey}-v{version}";

    /// <summary>The active version, probing the secret store on first use.</summary>
    public async ValueTask<int> GetActiveVersionAsync(CancellationToken cancellationToken = default)
    {
        if (_active == 0)
        {
            await RefreshAsync(cancellationToken);
        }
        return _active;
    }

    public async ValueTask<(int Version, byte[] Key)> GetActiveAsync(CancellationToken cancellationToken = default)
    {
        var version = await GetActiveVersionAsync(cancellationToken);
        return (version, await GetAsync(version, cancellationToken));
    }

    public async ValueTask<byte[]> GetAsync(int version, CancellationToken cancellationToken = default)
    {
        if (_keys.TryGetValue(version, out var key))
        {
            return key;
        }
        key = await LoadAsync(version, cancellationToken)
            ?? throw new MasterKeyUnavailableException($"Master key version {version} ('{SecretName(version)}') is not in the secret store.");
        return _keys.GetOrAdd(version, key);
    }

    /// <summary>Re-reads the secret store: picks up a newly added version (and forgets cached keys).</summary>
    public async Task<int> RefreshAsync(CancellationToken cancellationToken = default)
    {
        await _refresh.WaitAsync(cancellationToken);
        try
        {
            _keys.Clear();
            // Retired versions may be removed from the bottom; above the lowest present one they are consecutive.
            var active = 0;
            for (var version = 1; version <= MaxVersions; version++)
            {
                var key = await LoadAsync(version, cancellationToken);
                if (key is null)
                {
                    if (active > 0 || version >= MaxRetiredProbe)
                    {
                        break;
                    }
                    continue;
                }
                _keys[version] = key;
                active = version;
            }
            if (active == 0)
            {
                throw new MasterKeyUnavailableException($"The master key ('{SecretNames.MasterKey}') is not in the secret store.");
            }
            _active = active;
            return active;
        }
        finally
        {
            _refresh.Release();
        }
    }

    async ValueTask<byte[]?> LoadAsync(int version, CancellationToken cancellationToken)
    {
        var text = await secrets.GetSecretAsync(SecretName(version), cancellationToken);
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }
        var key = new byte[Envelope.KeySize];
        return Convert.TryFromBase64String(text.Trim(), key, out var written) && written == Envelope.KeySize
            ? key
            : throw new MasterKeyUnavailableException($"'{SecretName(version)}' is not a base64-encoded 32-byte key.");
    }
}
