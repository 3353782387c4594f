using AgentCloud.Credentials.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AgentCloud.Credentials.Infrastructure.EntityConfigurations;

sealed class TenantKeyEntityTypeConfiguration : IEntityTypeConfiguration<TenantKey>
{
    public void Configure(EntityTypeBuilder<TenantKey> builder)
    {
        builder.ToTable("tenant_keys");
        builder.HasKey(k => new { k.TenantId, k.Version });
    }
}
