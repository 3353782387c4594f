using AgentCloud.ServiceDefaults.Data;
using AgentCloud.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Xunit;

namespace AgentCloud.ServiceDefaults.Tests;

public sealed class Widget
{
    public int Id { get; set; }

    public required string Name { get; set; }

    public string? WidgetColour { get; set; }
}

public sealed class WidgetsDbContext(DbContextOptions<WidgetsDbContext> options) : DbContext(options)
{
    public DbSet<Widget> Widgets => Set<Widget>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.Entity<Widget>().Property(w => w.WidgetColour).HasColumnName("colour");
}

/// <summary><c>AddMigratedNpgsqlDbContext</c>: Aspire's context registration as our services use it, over a real database.</summary>
public sealed class MigratedDbContextTests
{
    [Fact]
    public async Task Migrates_before_start_shares_one_data_source_names_snake_case_and_takes_explicit_transactions()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:widgetsdb"] = await (await TestInfrastructure.SharedAsync()).CreateDatabaseAsync("widgets"),
        });
        builder.AddMigratedNpgsqlDbContext<WidgetsDbContext>("widgetsdb");
        using var app = builder.Build();
        await app.StartAsync();

        var health = await app.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        Assert.Equal(HealthStatus.Healthy, health.Entries["widgetsdb"].Status);

        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<WidgetsDbContext>();
            // Aspire's retrying execution strategy would refuse a transaction the caller opens.
            await using var transaction = await db.Database.BeginTransactionAsync();
            db.Widgets.Add(new Widget { Id = 1, Name = "a", WidgetColour = "red" });
            await db.SaveChangesAsync();
            await transaction.CommitAsync();
        }

        var dataSource = app.Services.GetRequiredService<NpgsqlDataSource>();
        await using (var read = dataSource.CreateCommand("SELECT name || ':' || colour FROM widgets"))
        {
            Assert.Equal("a:red", await read.ExecuteScalarAsync());
        }

        // The context's connections come from that same data source: once it is gone, so is the context's database.
        await dataSource.DisposeAsync();
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<WidgetsDbContext>();
            await Assert.ThrowsAsync<ObjectDisposedException>(() => db.Widgets.CountAsync());
        }
        await app.StopAsync();
    }
}
