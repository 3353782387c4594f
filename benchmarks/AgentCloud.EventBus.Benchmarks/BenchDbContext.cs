using AgentCloud.EventBus.Abstractions;
using AgentCloud.EventBus.Outbox;
using Microsoft.EntityFrameworkCore;

namespace AgentCloud.EventBus.Benchmarks;

public sealed class Debit
{
    public required string EventId { get; set; }

    public long Tokens { get; set; }
}

public sealed class BenchDbContext(DbContextOptions<BenchDbContext> options) : DbContext(options)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Debit>(debit =>
        {
            debit.ToTable("debits");
            debit.HasKey(d => d.EventId);
            debit.Property(d => d.EventId).HasColumnName("event_id");
            debit.Property(d => d.Tokens).HasColumnName("tokens");
        });
        modelBuilder.AddOutboxInbox();
    }
}

/// <summary>The realistic handler: one row written in the inbox transaction, then the latency recorded.</summary>
public sealed class DebitingHandler(BenchDbContext db, Recorder recorder) : IIntegrationEventHandler<BenchEvent>
{
    public Task HandleAsync(BenchEvent @event, CancellationToken cancellationToken)
    {
        db.Add(new Debit { EventId = @event.Id, Tokens = @event.Tokens });
        recorder.Record(@event.PublishedAtTicks);
        return Task.CompletedTask;
    }
}
