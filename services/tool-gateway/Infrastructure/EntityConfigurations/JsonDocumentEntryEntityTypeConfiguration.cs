using AgentCloud.ToolGateway.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AgentCloud.ToolGateway.Infrastructure.EntityConfigurations;

sealed class JsonDocumentEntryEntityTypeConfiguration : IEntityTypeConfiguration<JsonDocumentEntry>
{
    public void Configure(EntityTypeBuilder<JsonDocumentEntry> builder)
    {
        builder.ToTable("json_documents");
        builder.HasKey(d => new { d.TenantId, d.Name });
        builder.Property(d => d.Content).HasColumnType("jsonb");
    }
}
