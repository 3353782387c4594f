using System.Security.Cryptography;
using System.Text;

namespace AgentCloud.Credentials.Crypto;

/// <summary>
/// AES-256-GCM with a random 96-bit nonce; sealed form = nonce (12) || tag (16) || ciphertext. The associated data
/// binds a ciphertext to where it belongs (tenant, credential, key versions): opened anywhere else it fails.
/// </summary>
public static class Envelope
{
    public const int KeySize = 32;
    const int NonceSize = 12;
    const int TagSize = 16;

    public static byte[] Seal(ReadOnlySpan<byte> key, ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData)
    {
        var sealedBytes = new byte[NonceSize + TagSize + plaintext.Length];
        var nonce = sealedBytes.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(key, TagSize);
        aes.Encrypt(nonce, plaintext, sealedBytes.AsSpan(NonceSize + TagSize), sealedBytes.AsSpan(NonceSize, TagSize), associatedData);
        return sealedBytes;
    }

    /// <exception cref="CryptographicException">Wrong key, wrong associated data or altered bytes.</exception>
    public static byte[] Open(ReadOnlySpan<byte> key, ReadOnlySpan<byte> sealedBytes, ReadOnlySpan<byte> associatedData)
    {
        if (sealedBytes.Length < NonceSize + TagSize)
        {
            throw new CryptographicException("Sealed value is too short.");
        }
        var plaintext = new byte[sealedBytes.Length - NonceSize - TagSize];
        using var aes = new AesGcm(key, TagSize);
        aes.Decrypt(sealedBytes[..NonceSize], sealedBytes[(NonceSize + TagSize)..], sealedBytes.Slice(NonceSize, TagSize), plaintext, associatedData);
        return plaintext;
    }

    /// <summary>Associated data of a credential's secret: tenant, credential and the data key's version.</summary>
    public static byte[] SecretContext(Guid tenantId, Guid credentialId, int dataKeyVersion) =>
        Encoding.UTF8.GetBytes($"agentcloud/credential-secret/v1/{tenantId:N}/{credentialId:N}/{dataKeyVersion}");

    /// <summary>Associated data of a wrapped tenant data key: tenant, data key version and master key version.</summary>
    public static byte[] DataKeyContext(Guid tenantId, int dataKeyVersion, int masterKeyVersion) =>
        Encoding.UTF8.GetBytes($"agentcloud/tenant-data-key/v1/{tenantId:N}/{dataKeyVersion}/{masterKeyVersion}");
}
