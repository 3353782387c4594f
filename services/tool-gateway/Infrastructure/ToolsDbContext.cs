using AgentCloud.EventBus.Outbox;
using AgentCloud.ToolGateway.Model;
using Microsoft.EntityFrameworkCore;

namespace AgentCloud.ToolGateway.Infrastructure;

public sealed class ToolsDbContext(DbContextOptions<ToolsDbContext> options) : DbContext(options)
{
    public DbSet<ToolInvocation> ToolInvocations => Set<ToolInvocation>();

    public DbSet<TenantToolSetting> TenantToolSettings => Set<TenantToolSetting>();

    public DbSet<TodoItem> Todos => Set<TodoItem>();

    public DbSet<JsonDocumentEntry> JsonDocuments => Set<JsonDocumentEntry>();

    public DbSet<McpServerRegistration> McpServers => Set<McpServerRegistration>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(ToolsDbContext).Assembly);
        modelBuilder.AddOutboxInbox();
    }
}
