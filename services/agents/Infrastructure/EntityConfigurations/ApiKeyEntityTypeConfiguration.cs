using AgentCloud.Agents.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AgentCloud.Agents.Infrastructure.EntityConfigurations;

sealed class ApiKeyEntityTypeConfiguration : IEntityTypeConfiguration<ApiKey>
{
    public void Configure(EntityTypeBuilder<ApiKey> builder)
    {
        builder.ToTable("api_keys");
        builder.HasOne<Tenant>().WithMany().HasForeignKey(e => e.TenantId);
    }
}
