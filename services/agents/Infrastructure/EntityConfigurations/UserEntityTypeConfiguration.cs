using AgentCloud.Agents.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AgentCloud.Agents.Infrastructure.EntityConfigurations;

sealed class UserEntityTypeConfiguration : IEntityTypeConfiguration<User>
{
    public void Configure(EntityTypeBuilder<User> builder)
    {
        builder.ToTable("users");
        builder.HasOne<Tenant>().WithMany().HasForeignKey(e => e.TenantId);
        builder.HasMany(u => u.Teams).WithOne().HasForeignKey(m => m.UserId);
    }
}
