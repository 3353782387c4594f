using AgentCloud.ServiceDefaults.Data;
using AgentCloud.Agents.Model;
using Microsoft.EntityFrameworkCore;

namespace AgentCloud.Agents.Infrastructure;

public sealed class AgentsDbContext(DbContextOptions<AgentsDbContext> options) : DbContext(options)
{
    public DbSet<Tenant> Tenants => Set<Tenant>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(AgentsDbContext).Assembly);
        modelBuilder.UseSnakeCaseNames();
    }
}
