using AgentCloud.Billing.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AgentCloud.Billing.Infrastructure.EntityConfigurations;

sealed class TokenUsageLogEntityTypeConfiguration : IEntityTypeConfiguration<TokenUsageLog>
{
    public void Configure(EntityTypeBuilder<TokenUsageLog> builder)
    {
        builder.ToTable("token_usage_logs");
        builder.Property(u => u.Metadata).HasColumnType("jsonb");
    }
}
