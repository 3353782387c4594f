using AgentCloud.ToolGateway.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AgentCloud.ToolGateway.Infrastructure.EntityConfigurations;

sealed class McpServerRegistrationEntityTypeConfiguration : IEntityTypeConfiguration<McpServerRegistration>
{
    public void Configure(EntityTypeBuilder<McpServerRegistration> builder)
    {
        builder.ToTable("mcp_servers");
        builder.HasIndex(s => new { s.TenantId, s.Namespace }).IsUnique();
    }
}
