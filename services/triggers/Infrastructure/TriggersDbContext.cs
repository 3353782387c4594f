using AgentCloud.EventBus.Outbox;
using AgentCloud.ServiceDefaults.Data;
using AgentCloud.Triggers.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace AgentCloud.Triggers.Infrastructure;

/// <summary>Triggers and their API reads and writes. The hot paths (claiming due timers, fan-out) use SQL on the same
/// connection and transaction, see Scheduling/ and Firing/.</summary>
public sealed class TriggersDbContext(DbContextOptions<TriggersDbContext> options) : DbContext(options)
{
    public DbSet<Trigger> Triggers => Set<Trigger>();
    public DbSet<TimerSchedule> TimerSchedules => Set<TimerSchedule>();
    public DbSet<TriggerEvent> TriggerEvents => Set<TriggerEvent>();
    public DbSet<ListenerState> Listeners => Set<ListenerState>();

    /// <summary>A SQL command on this context's connection, in its current transaction (open one first).</summary>
    public NpgsqlCommand Command(string sql) =>
        new(sql, (NpgsqlConnection)Database.GetDbConnection(), (NpgsqlTransaction?)Database.CurrentTransaction?.GetDbTransaction());

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(TriggersDbContext).Assembly);
        modelBuilder.AddOutboxInbox();
    }
}
