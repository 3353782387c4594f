using AgentCloud.Billing.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AgentCloud.Billing.Infrastructure.EntityConfigurations;

sealed class TokenHoldEntityTypeConfiguration : IEntityTypeConfiguration<TokenHold>
{
    public void Configure(EntityTypeBuilder<TokenHold> builder)
    {
        builder.ToTable("token_holds");
        builder.Property(h => h.Metadata).HasColumnType("jsonb");
    }
}
