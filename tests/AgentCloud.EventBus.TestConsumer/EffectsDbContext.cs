using AgentCloud.EventBus.Outbox;
using Microsoft.EntityFrameworkCore;

namespace AgentCloud.EventBus.TestConsumer;

/// <summary>A handler's effect: one row per execution, deliberately not idempotent by itself.</summary>
public sealed class Effect
{
    public Guid Id { get; set; }

    public required string EventId { get; set; }

    public required string WorkKey { get; set; }

    public required string Consumer { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

public sealed class EffectsDbContext(DbContextOptions<EffectsDbContext> options) : DbContext(options)
{
    public DbSet<Effect> Effects => Set<Effect>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Effect>().ToTable("effects");
        modelBuilder.AddOutboxInbox();
    }
}
