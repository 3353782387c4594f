using AgentCloud.Triggers.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AgentCloud.Triggers.Infrastructure.EntityConfigurations;

sealed class TriggerEventEntityTypeConfiguration : IEntityTypeConfiguration<TriggerEvent>
{
    public void Configure(EntityTypeBuilder<TriggerEvent> builder)
    {
        builder.ToTable("trigger_events");
        builder.HasKey(e => new { e.TriggerId, e.Id });
        builder.Property(e => e.Payload).HasColumnType("jsonb");
    }
}
