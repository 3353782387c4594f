using AgentCloud.Credentials.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AgentCloud.Credentials.Infrastructure.EntityConfigurations;

sealed class CredentialAuditEntryEntityTypeConfiguration : IEntityTypeConfiguration<CredentialAuditEntry>
{
    public void Configure(EntityTypeBuilder<CredentialAuditEntry> builder)
    {
        builder.ToTable("credential_audit");
        builder.Property(a => a.Id).UseIdentityAlwaysColumn();
        builder.Property(a => a.At).HasDefaultValueSql("now()").ValueGeneratedOnAdd();
    }
}
