using AgentCloud.Triggers.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AgentCloud.Triggers.Infrastructure.EntityConfigurations;

sealed class TriggerEntityTypeConfiguration : IEntityTypeConfiguration<Trigger>
{
    public void Configure(EntityTypeBuilder<Trigger> builder)
    {
        builder.ToTable("triggers");
        builder.Property(t => t.Options).HasColumnType("jsonb");
    }
}
