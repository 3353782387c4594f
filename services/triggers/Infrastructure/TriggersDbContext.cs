using AgentCloud.Triggers.Model;
using Microsoft.EntityFrameworkCore;

namespace AgentCloud.Triggers.Infrastructure;

public sealed class TriggersDbContext(DbContextOptions<TriggersDbContext> options) : DbContext(options)
{
    public DbSet<Trigger> Triggers => Set<Trigger>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(TriggersDbContext).Assembly);
    }
}
