using AgentCloud.Triggers.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AgentCloud.Triggers.Infrastructure.EntityConfigurations;

sealed class ListenerStateEntityTypeConfiguration : IEntityTypeConfiguration<ListenerState>
{
    public void Configure(EntityTypeBuilder<ListenerState> builder)
    {
        builder.ToTable("listeners");
        builder.HasKey(l => l.Key);
        builder.Property(l => l.Cursor).HasColumnType("jsonb");
    }
}
