using AgentCloud.Agents.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AgentCloud.Agents.Infrastructure.EntityConfigurations;

sealed class TeamEntityTypeConfiguration : IEntityTypeConfiguration<Team>
{
    public void Configure(EntityTypeBuilder<Team> builder)
    {
        builder.ToTable("teams");
        builder.HasOne<Tenant>().WithMany().HasForeignKey(e => e.TenantId);
    }
}
