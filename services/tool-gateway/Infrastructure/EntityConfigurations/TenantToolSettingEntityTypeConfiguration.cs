using AgentCloud.ToolGateway.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AgentCloud.ToolGateway.Infrastructure.EntityConfigurations;

sealed class TenantToolSettingEntityTypeConfiguration : IEntityTypeConfiguration<TenantToolSetting>
{
    public void Configure(EntityTypeBuilder<TenantToolSetting> builder)
    {
        builder.ToTable("tenant_tool_settings");
        builder.HasKey(s => new { s.TenantId, s.ToolKey });
        builder.Property(s => s.Configuration).HasColumnType("jsonb");
    }
}
