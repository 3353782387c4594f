using AgentCloud.Triggers.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AgentCloud.Triggers.Infrastructure.EntityConfigurations;

sealed class TimerScheduleEntityTypeConfiguration : IEntityTypeConfiguration<TimerSchedule>
{
    public void Configure(EntityTypeBuilder<TimerSchedule> builder)
    {
        builder.ToTable("timer_schedules");
        builder.HasKey(s => s.TriggerId);
        builder.HasOne<Trigger>().WithOne().HasForeignKey<TimerSchedule>(s => s.TriggerId).OnDelete(DeleteBehavior.Cascade);
    }
}
