using AgentCloud.ServiceDefaults.Data;
using AgentCloud.ToolGateway.Model;
using Microsoft.EntityFrameworkCore;

namespace AgentCloud.ToolGateway.Infrastructure;

public sealed class ToolsDbContext(DbContextOptions<ToolsDbContext> options) : DbContext(options)
{
    public DbSet<ToolInvocation> ToolInvocations => Set<ToolInvocation>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(ToolsDbContext).Assembly);
        modelBuilder.UseSnakeCaseNames();
    }
}
