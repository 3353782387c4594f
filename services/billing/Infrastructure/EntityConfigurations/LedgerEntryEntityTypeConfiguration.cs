using AgentCloud.Billing.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AgentCloud.Billing.Infrastructure.EntityConfigurations;

sealed class LedgerEntryEntityTypeConfiguration : IEntityTypeConfiguration<LedgerEntry>
{
    public void Configure(EntityTypeBuilder<LedgerEntry> builder) => builder.ToTable("ledger_entries");
}
