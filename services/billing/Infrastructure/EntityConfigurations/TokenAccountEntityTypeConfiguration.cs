using AgentCloud.Billing.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AgentCloud.Billing.Infrastructure.EntityConfigurations;

sealed class TokenAccountEntityTypeConfiguration : IEntityTypeConfiguration<TokenAccount>
{
    public void Configure(EntityTypeBuilder<TokenAccount> builder)
    {
        builder.ToTable("token_accounts");
    }
}
