using AgentCloud.Agents.Agents;
using AgentCloud.Agents.Conversations;
using AgentCloud.Agents.Decisions;
using AgentCloud.Agents.Memory;
using AgentCloud.Agents.Runs;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AgentCloud.Agents.Infrastructure.EntityConfigurations;

sealed class AgentEntityTypeConfiguration : IEntityTypeConfiguration<Agent>
{
    public void Configure(EntityTypeBuilder<Agent> builder) => builder.ToTable("agents");
}

sealed class AgentVersionEntityTypeConfiguration : IEntityTypeConfiguration<AgentVersion>
{
    public void Configure(EntityTypeBuilder<AgentVersion> builder)
    {
        builder.ToTable("agent_versions").HasKey(v => new { v.AgentId, v.Version });
        builder.HasOne<Agent>().WithMany().HasForeignKey(v => v.AgentId);
        builder.Property(v => v.Definition).HasColumnType("jsonb");
    }
}

sealed class ConversationEntityTypeConfiguration : IEntityTypeConfiguration<Conversation>
{
    public void Configure(EntityTypeBuilder<Conversation> builder) => builder.ToTable("agent_sessions");
}

sealed class MessageEntityTypeConfiguration : IEntityTypeConfiguration<Message>
{
    public void Configure(EntityTypeBuilder<Message> builder)
    {
        builder.ToTable("agent_messages");
        builder.Property(m => m.ToolCalls).HasColumnType("jsonb");
        builder.Property(m => m.ToolCallResults).HasColumnType("jsonb").HasColumnName("tool_call_results");
        builder.Property(m => m.Seq).ValueGeneratedOnAdd();
    }
}

sealed class RunEntityTypeConfiguration : IEntityTypeConfiguration<Run>
{
    public void Configure(EntityTypeBuilder<Run> builder)
    {
        builder.ToTable("runs");
        builder.Property(r => r.Input).HasColumnType("jsonb");
    }
}

sealed class RunStepEntityTypeConfiguration : IEntityTypeConfiguration<RunStep>
{
    public void Configure(EntityTypeBuilder<RunStep> builder)
    {
        builder.ToTable("run_steps");
        builder.Property(s => s.Data).HasColumnType("jsonb");
    }
}

sealed class ApprovalEntityTypeConfiguration : IEntityTypeConfiguration<Approval>
{
    public void Configure(EntityTypeBuilder<Approval> builder)
    {
        builder.ToTable("approvals");
        builder.Property(a => a.Arguments).HasColumnType("jsonb");
        builder.Property(a => a.EditedArguments).HasColumnType("jsonb");
    }
}

sealed class UserFactEntityTypeConfiguration : IEntityTypeConfiguration<UserFact>
{
    public void Configure(EntityTypeBuilder<UserFact> builder) => builder.ToTable("user_facts");
}
