using AgentCloud.Billing.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AgentCloud.Billing.Infrastructure.EntityConfigurations;

sealed class OperationCostEntityTypeConfiguration : IEntityTypeConfiguration<OperationCost>
{
    public void Configure(EntityTypeBuilder<OperationCost> builder) => builder.ToTable("operation_costs");
}
