using AgentCloud.ServiceDefaults.Data;
using AgentCloud.Billing.Model;
using Microsoft.EntityFrameworkCore;

namespace AgentCloud.Billing.Infrastructure;

public sealed class BillingDbContext(DbContextOptions<BillingDbContext> options) : DbContext(options)
{
    public DbSet<TokenAccount> TokenAccounts => Set<TokenAccount>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(BillingDbContext).Assembly);
        modelBuilder.UseSnakeCaseNames();
    }
}
