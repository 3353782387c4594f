using AgentCloud.Agents.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AgentCloud.Agents.Infrastructure.EntityConfigurations;

sealed class PermissionGrantEntityTypeConfiguration : IEntityTypeConfiguration<PermissionGrant>
{
    public void Configure(EntityTypeBuilder<PermissionGrant> builder)
    {
        builder.ToTable("permission_grants");
        builder.HasOne<Tenant>().WithMany().HasForeignKey(e => e.TenantId);
    }
}
