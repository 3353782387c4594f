using AgentCloud.ServiceDefaults.Data;
using AgentCloud.Credentials.Model;
using Microsoft.EntityFrameworkCore;

namespace AgentCloud.Credentials.Infrastructure;

public sealed class CredentialsDbContext(DbContextOptions<CredentialsDbContext> options) : DbContext(options)
{
    public DbSet<Credential> Credentials => Set<Credential>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(CredentialsDbContext).Assembly);
        modelBuilder.UseSnakeCaseNames();
    }
}
