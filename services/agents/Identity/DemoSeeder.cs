using AgentCloud.Agents.Apis;
using AgentCloud.Agents.Infrastructure;
using AgentCloud.Agents.Model;
using AgentCloud.Agents.Permissions;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AgentCloud.Agents.Identity;

/// <summary>
/// The demo tenant of a fresh local environment, with a fixed sign-in (README-identity.md, printed by the AppHost).
/// Registered after the migrations, so it runs on the current schema. Only in Development: elsewhere it does nothing.
/// </summary>
public sealed class DemoSeeder(
    IServiceScopeFactory scopes, IHostEnvironment environment, IOptions<DirectoryOptions> options, ILogger<DemoSeeder> logger) : IHostedService
{
    public static readonly Guid TenantId = new("d3e0d3e0-0000-4000-8000-000000000001");
    public const string AdminEmail = "admin@demo.agentcloud.local";
    public const string AdminPassword = "demo-admin-password";
    public const string MemberEmail = "member@demo.agentcloud.local";
    public const string MemberPassword = "demo-member-password";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!environment.IsDevelopment() || !options.Value.SeedDemoData)
        {
            return;
        }
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AgentsDbContext>();
        if (await db.Tenants.IgnoreQueryFilters().AnyAsync(t => t.Id == TenantId, cancellationToken))
        {
            return;
        }
        var hasher = scope.ServiceProvider.GetRequiredService<PasswordHasher<User>>();
        var time = scope.ServiceProvider.GetRequiredService<TimeProvider>();
        var (tenant, team) = DirectorySeeding.NewTenant(db, time, "Demo Company", "free", "Demo Admin", "Demo Company", TenantId);
        DirectorySeeding.NewUser(db, hasher, time, tenant, team, AdminEmail, "Demo Admin", AdminPassword, [RoleBundles.Owner]);
        DirectorySeeding.NewUser(db, hasher, time, tenant, team, MemberEmail, "Demo Member", MemberPassword, [RoleBundles.Member]);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            logger.LogInformation("Seeded the demo tenant: sign in as {Admin} or {Member}", AdminEmail, MemberEmail);
        }
        catch (DbUpdateException e) when (e.InnerException is Npgsql.PostgresException { SqlState: "23505" })
        {
            logger.LogInformation("The demo tenant was seeded by another replica");
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
