using Microsoft.EntityFrameworkCore;

namespace AgentCloud.EventBus.Outbox;

public static class OutboxModelBuilderExtensions
{
    /// <summary>Maps the outbox and inbox tables (created by the library's own migration) into a service's DbContext.</summary>
    public static ModelBuilder AddOutboxInbox(this ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<OutboxMessage>(outbox =>
        {
            outbox.ToTable("event_bus_outbox");
            outbox.HasKey(m => m.Id);
            outbox.Property(m => m.Id).HasColumnName("id");
            outbox.Property(m => m.Topic).HasColumnName("topic");
            outbox.Property(m => m.EventId).HasColumnName("event_id");
            outbox.Property(m => m.Time).HasColumnName("time");
            outbox.Property(m => m.Subject).HasColumnName("subject");
            outbox.Property(m => m.TenantId).HasColumnName("tenant_id");
            outbox.Property(m => m.Data).HasColumnName("data").HasColumnType("json");
            outbox.Property(m => m.TraceParent).HasColumnName("traceparent");
            outbox.Property(m => m.TraceState).HasColumnName("tracestate");
            outbox.Property(m => m.CreatedAt).HasColumnName("created_at");
            outbox.Property(m => m.PublishedAt).HasColumnName("published_at");
            outbox.Property(m => m.Attempts).HasColumnName("attempts");
        });
        modelBuilder.Entity<InboxMessage>(inbox =>
        {
            inbox.ToTable("event_bus_inbox");
            inbox.HasKey(m => new { m.Consumer, m.EventId });
            inbox.Property(m => m.Consumer).HasColumnName("consumer");
            inbox.Property(m => m.EventId).HasColumnName("event_id");
            inbox.Property(m => m.ProcessedAt).HasColumnName("processed_at");
        });
        return modelBuilder;
    }
}
