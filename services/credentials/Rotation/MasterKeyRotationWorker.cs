using System.Security.Cryptography;
using AgentCloud.Credentials.Crypto;
using AgentCloud.Credentials.Infrastructure;
using AgentCloud.Credentials.Model;
using Microsoft.EntityFrameworkCore;

namespace AgentCloud.Credentials.Rotation;

/// <summary>
/// Re-wraps tenant data keys under a rotation's target master key, in batches locked with FOR UPDATE SKIP LOCKED so
/// several replicas share the work. The data keys themselves do not change, so credentials stay readable throughout:
/// a data key not yet re-wrapped still opens with its old master key version.
/// </summary>
public sealed class MasterKeyRotationWorker(
    IServiceScopeFactory scopes, MasterKeyRing masterKeys, RotationSignal signal, IConfiguration configuration,
    ILogger<MasterKeyRotationWorker> logger) : BackgroundService
{
    const int BatchSize = 100;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var poll = TimeSpan.FromSeconds(configuration.GetValue("Credentials:RotationPollSeconds", 10.0));
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunPendingAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Master-key rotation step failed; retrying on the next poll");
            }
            await signal.WaitAsync(poll, stoppingToken);
        }
    }

    async Task RunPendingAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CredentialsDbContext>();
        var vault = scope.ServiceProvider.GetRequiredService<CredentialVault>();
        // A rotation started on another replica names a version this one may not have loaded yet: new wraps here
        // must use it too, or they would be left behind under the old version.
        var newest = await db.MasterKeyRotations.MaxAsync(r => (int?)r.TargetVersion, cancellationToken);
        if (newest > await masterKeys.GetActiveVersionAsync(cancellationToken))
        {
            await masterKeys.RefreshAsync(cancellationToken);
        }
        var rotation = await db.MasterKeyRotations.AsNoTracking()
            .Where(r => r.Status == RotationStatus.Running).OrderBy(r => r.StartedAt).FirstOrDefaultAsync(cancellationToken);
        if (rotation is null)
        {
            return;
        }
        var target = rotation.TargetVersion;
        var master = await masterKeys.GetAsync(target, cancellationToken);
        logger.LogInformation("Master-key rotation {RotationId}: re-wrapping data keys under version {Version}", rotation.Id, target);

        var failed = new List<Guid>();
        while (true)
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var skip = failed.ToArray();
            var batch = await db.TenantKeys.FromSql(
                $"""
                SELECT * FROM tenant_keys
                WHERE master_key_version <> {target} AND NOT (tenant_id = ANY({skip}))
                ORDER BY tenant_id, version
                LIMIT {BatchSize}
                FOR UPDATE SKIP LOCKED
                """).ToListAsync(cancellationToken);
            if (batch.Count == 0)
            {
                await transaction.CommitAsync(cancellationToken);
                break;
            }
            var (rewrapped, errors, lastError) = (0, 0, (string?)null);
            foreach (var key in batch)
            {
                try
                {
                    var dataKey = await vault.UnwrapAsync(key, cancellationToken);
                    key.WrappedKey = CredentialVault.Wrap(key, dataKey, master, target);
                    CryptographicOperations.ZeroMemory(dataKey);
                    key.MasterKeyVersion = target;
                    key.RewrappedAt = DateTimeOffset.UtcNow;
                    rewrapped++;
                }
                catch (Exception e) when (e is CredentialIntegrityException or MasterKeyUnavailableException)
                {
                    logger.LogError("Master-key rotation {RotationId}: {Reason}", rotation.Id, e.Message);
                    failed.Add(key.TenantId);
                    (errors, lastError) = (errors + 1, e.Message);
                }
            }
            await db.SaveChangesAsync(cancellationToken);
            await db.MasterKeyRotations.Where(r => r.Id == rotation.Id).ExecuteUpdateAsync(s => s
                .SetProperty(r => r.Rewrapped, r => r.Rewrapped + rewrapped)
                .SetProperty(r => r.Failed, r => r.Failed + errors)
                .SetProperty(r => r.LastError, r => lastError ?? r.LastError), cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        // Rows another replica holds locked are not done yet: finish only when nothing but failures is left.
        var skipped = failed.ToArray();
        var remaining = await db.TenantKeys.CountAsync(k => k.MasterKeyVersion != target && !skipped.Contains(k.TenantId), cancellationToken);
        if (remaining == 0)
        {
            var status = failed.Count == 0 ? RotationStatus.Completed : RotationStatus.CompletedWithErrors;
            await db.MasterKeyRotations.Where(r => r.Id == rotation.Id && r.Status == RotationStatus.Running).ExecuteUpdateAsync(s => s
                .SetProperty(r => r.Status, status)
                .SetProperty(r => r.FinishedAt, DateTimeOffset.UtcNow), cancellationToken);
            logger.LogInformation("Master-key rotation {RotationId} {Status}", rotation.Id, status);
        }
    }
}
