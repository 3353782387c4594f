using AgentCloud.Agents.Agents;
using AgentCloud.Agents.Conversations;
using AgentCloud.Agents.Decisions;
using AgentCloud.Agents.Memory;
using AgentCloud.Agents.Model;
using AgentCloud.Agents.Runs;
using AgentCloud.EventBus.Outbox;
using AgentCloud.ServiceDefaults.Data;
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
    public DbSet<Agent> Agents => Set<Agent>();
    public DbSet<AgentVersion> AgentVersions => Set<AgentVersion>();
    public DbSet<Conversation> Conversations => Set<Conversation>();
    public DbSet<Message> Messages => Set<Message>();
    public DbSet<Run> Runs => Set<Run>();
    public DbSet<RunStep> RunSteps => Set<RunStep>();
    public DbSet<Approval> Approvals => Set<Approval>();
    public DbSet<UserFact> UserFacts => Set<UserFact>();

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
        modelBuilder.Entity<Agent>().HasQueryFilter(e => e.TenantId == TenantId && e.DeletedAt == null);
        modelBuilder.Entity<AgentVersion>().HasQueryFilter(e => e.TenantId == TenantId);
        modelBuilder.Entity<Conversation>().HasQueryFilter(e => e.TenantId == TenantId);
        modelBuilder.Entity<Message>().HasQueryFilter(e => e.TenantId == TenantId);
        modelBuilder.Entity<Run>().HasQueryFilter(e => e.TenantId == TenantId);
        modelBuilder.Entity<RunStep>().HasQueryFilter(e => e.TenantId == TenantId);
        modelBuilder.Entity<Approval>().HasQueryFilter(e => e.TenantId == TenantId);
        modelBuilder.Entity<UserFact>().HasQueryFilter(e => e.TenantId == TenantId);
        modelBuilder.AddOutboxInbox();
    }
}
