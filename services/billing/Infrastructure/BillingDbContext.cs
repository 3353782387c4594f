using AgentCloud.Billing.Model;
using AgentCloud.EventBus.Outbox;
using Microsoft.EntityFrameworkCore;

namespace AgentCloud.Billing.Infrastructure;

/// <summary>Reads and simple writes. Balance changes go through <see cref="TokenLedger"/> (SQL functions), never EF.</summary>
public sealed class BillingDbContext(DbContextOptions<BillingDbContext> options) : DbContext(options)
{
    public DbSet<TokenAccount> TokenAccounts => Set<TokenAccount>();
    public DbSet<LedgerEntry> LedgerEntries => Set<LedgerEntry>();
    public DbSet<TokenHold> TokenHolds => Set<TokenHold>();
    public DbSet<TokenUsageLog> TokenUsageLogs => Set<TokenUsageLog>();
    public DbSet<OperationCost> OperationCosts => Set<OperationCost>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(BillingDbContext).Assembly);
        modelBuilder.AddOutboxInbox();
    }
}
