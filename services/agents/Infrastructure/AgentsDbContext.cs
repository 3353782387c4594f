using AgentCloud.Agents.Model;
using Microsoft.EntityFrameworkCore;

namespace AgentCloud.Agents.Infrastructure;

public sealed class AgentsDbContext(DbContextOptions<AgentsDbContext> options) : DbContext(options)
{
    /// <summary>
    /// The tenant every query is limited to. The context is pooled, so this is set per request by
    /// <see cref="Apis.TenantScopeMiddleware"/>; <see cref="Guid.Empty"/> matches nothing. Sign-in looks across tenants with
    /// IgnoreQueryFilters on purpose.
    /// </summary>
    public Guid TenantId { get; set; }

    public DbSet<Tenant> Tenants => Set<Tenant>();
    public DbSet<Team> Teams => Set<Team>();
    public DbSet<User> Users => Set<User>();
    public DbSet<TeamMember> TeamMembers => Set<TeamMember>();
    public DbSet<Location> Locations => Set<Location>();
    public DbSet<PermissionGrant> PermissionGrants => Set<PermissionGrant>();
    public DbSet<RefreshToken> RefreshTokens => Set<RefreshToken>();
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(AgentsDbContext).Assembly);
        modelBuilder.Entity<Tenant>().HasQueryFilter(e => e.Id == TenantId);
        modelBuilder.Entity<Team>().HasQueryFilter(e => e.TenantId == TenantId);
        modelBuilder.Entity<User>().HasQueryFilter(e => e.TenantId == TenantId);
        modelBuilder.Entity<TeamMember>().HasQueryFilter(e => e.TenantId == TenantId);
        modelBuilder.Entity<Location>().HasQueryFilter(e => e.TenantId == TenantId);
        modelBuilder.Entity<PermissionGrant>().HasQueryFilter(e => e.TenantId == TenantId);
        modelBuilder.Entity<RefreshToken>().HasQueryFilter(e => e.TenantId == TenantId);
        modelBuilder.Entity<ApiKey>().HasQueryFilter(e => e.TenantId == TenantId);
    }
}
