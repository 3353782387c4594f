using AgentCloud.Agents.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AgentCloud.Agents.Infrastructure.EntityConfigurations;

sealed class TeamMemberEntityTypeConfiguration : IEntityTypeConfiguration<TeamMember>
{
    public void Configure(EntityTypeBuilder<TeamMember> builder)
    {
        builder.ToTable("team_members");
        builder.HasOne<Tenant>().WithMany().HasForeignKey(e => e.TenantId);
        builder.HasKey(m => new { m.TeamId, m.UserId });
        builder.HasOne<Team>().WithMany().HasForeignKey(m => m.TeamId);
    }
}
