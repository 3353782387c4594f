using System.Security.Cryptography;
using AgentCloud.Credentials.Infrastructure;
using AgentCloud.Credentials.Model;
using Microsoft.EntityFrameworkCore;

namespace AgentCloud.Credentials.Crypto;

/// <summary>
/// Envelope encryption of credential secrets: each secret is sealed with its tenant's data key, which is stored only
/// wrapped by the master key. Plaintext data keys live for the duration of one call and are zeroed afterwards.
/// </summary>
public sealed class CredentialVault(CredentialsDbContext db, MasterKeyRing masterKeys)
{
    /// <summary>The data key generation new secrets are sealed with.</summary>
    public const int CurrentDataKeyVersion = 1;

    public async Task<(byte[] Ciphertext, int KeyVersion)> SealAsync(
        Guid tenantId, Guid credentialId, byte[] plaintext, CancellationToken cancellationToken)
    {
        var dataKey = await GetOrCreateDataKeyAsync(tenantId, CurrentDataKeyVersion, cancellationToken);
        try
        {
            return (Envelope.Seal(dataKey, plaintext, Envelope.SecretContext(tenantId, credentialId, CurrentDataKeyVersion)), CurrentDataKeyVersion);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(dataKey);
        }
    }

    /// <exception cref="CredentialIntegrityException">The ciphertext does not belong to this credential, or a key is wrong.</exception>
    public async Task<byte[]> OpenAsync(Credential credential, CancellationToken cancellationToken)
    {
        var wrapped = await db.TenantKeys.AsNoTracking()
            .SingleOrDefaultAsync(k => k.TenantId == credential.TenantId && k.Version == credential.KeyVersion, cancellationToken)
            ?? throw new CredentialIntegrityException(
                $"Credential {credential.Id}: tenant data key version {credential.KeyVersion} does not exist.");
        var dataKey = await UnwrapAsync(wrapped, cancellationToken);
        try
        {
            return Envelope.Open(dataKey, credential.Ciphertext, Envelope.SecretContext(credential.TenantId, credential.Id, credential.KeyVersion));
        }
        catch (CryptographicException)
        {
            throw new CredentialIntegrityException(
                $"Credential {credential.Id}: the ciphertext failed authentication (it was altered or belongs to another credential or tenant).");
        }
        finally
        {
            CryptographicOperations.ZeroMemory(dataKey);
        }
    }

    /// <summary>Unwraps a tenant data key with the master key version recorded on it. The caller zeroes the result.</summary>
    public async Task<byte[]> UnwrapAsync(TenantKey wrapped, CancellationToken cancellationToken)
    {
        var master = await masterKeys.GetAsync(wrapped.MasterKeyVersion, cancellationToken);
        try
        {
            return Envelope.Open(master, wrapped.WrappedKey, Envelope.DataKeyContext(wrapped.TenantId, wrapped.Version, wrapped.MasterKeyVersion));
        }
        catch (CryptographicException)
        {
            throw new CredentialIntegrityException(
                $"Tenant {wrapped.TenantId}: data key version {wrapped.Version} did not unwrap with master key version {wrapped.MasterKeyVersion} (wrong master key, or the wrapped key was altered or moved).");
        }
    }

    public static byte[] Wrap(TenantKey target, byte[] dataKey, byte[] masterKey, int masterKeyVersion) =>
        Envelope.Seal(masterKey, dataKey, Envelope.DataKeyContext(target.TenantId, target.Version, masterKeyVersion));

    async Task<byte[]> GetOrCreateDataKeyAsync(Guid tenantId, int version, CancellationToken cancellationToken)
    {
        var existing = await db.TenantKeys.AsNoTracking()
            .SingleOrDefaultAsync(k => k.TenantId == tenantId && k.Version == version, cancellationToken);
        if (existing is null)
        {
            var (masterVersion, master) = await masterKeys.GetActiveAsync(cancellationToken);
            var dataKey = RandomNumberGenerator.GetBytes(Envelope.KeySize);
            var wrappedKey = Wrap(new TenantKey { TenantId = tenantId, Version = version, WrappedKey = [] }, dataKey, master, masterVersion);
            CryptographicOperations.ZeroMemory(dataKey);
            // Two first writes for a tenant may race: one insert wins and both use the winner's key.
            await db.Database.ExecuteSqlAsync(
                $"""
                INSERT INTO tenant_keys (tenant_id, version, wrapped_key, master_key_version)
                VALUES ({tenantId}, {version}, {wrappedKey}, {masterVersion})
                ON CONFLICT (tenant_id, version) DO NOTHING
                """, cancellationToken);
            existing = await db.TenantKeys.AsNoTracking()
                .SingleAsync(k => k.TenantId == tenantId && k.Version == version, cancellationToken);
        }
        return await UnwrapAsync(existing, cancellationToken);
    }
}
