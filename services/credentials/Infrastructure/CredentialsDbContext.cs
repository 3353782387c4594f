using AgentCloud.EventBus.Outbox;
using AgentCloud.Credentials.Model;
using Microsoft.EntityFrameworkCore;

namespace AgentCloud.Credentials.Infrastructure;

public sealed class CredentialsDbContext(DbContextOptions<CredentialsDbContext> options) : DbContext(options)
{
    public DbSet<Credential> Credentials => Set<Credential>();

    public DbSet<TenantKey> TenantKeys => Set<TenantKey>();

    public DbSet<CredentialAuditEntry> Audit => Set<CredentialAuditEntry>();

    public DbSet<MasterKeyRotation> MasterKeyRotations => Set<MasterKeyRotation>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(CredentialsDbContext).Assembly);
        modelBuilder.AddOutboxInbox();
    }
}
