using AgentCloud.ToolGateway.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AgentCloud.ToolGateway.Infrastructure.EntityConfigurations;

sealed class ToolInvocationEntityTypeConfiguration : IEntityTypeConfiguration<ToolInvocation>
{
    public void Configure(EntityTypeBuilder<ToolInvocation> builder)
    {
        builder.ToTable("tool_invocations");
        builder.HasIndex(i => new { i.TenantId, i.ToolCallId }).IsUnique();
        builder.Property(i => i.Result).HasColumnType("jsonb");
        // An outcome is written over the claim only while it is still 'started': a recovery and a late attempt never
        // both record one.
        builder.Property(i => i.Status).IsConcurrencyToken();
    }
}
