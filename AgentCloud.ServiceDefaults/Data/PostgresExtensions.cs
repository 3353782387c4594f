using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace AgentCloud.ServiceDefaults.Data;

public static class PostgresExtensions
{
    /// <summary>
    /// Registers the service's database the Aspire way (<c>ConnectionStrings__{name}</c>): an NpgsqlDataSource, a pooled
    /// DbContext over it, a health check, and the SQL migrations embedded in <typeparamref name="TContext"/>'s assembly,
    /// applied at start-up before the service takes traffic.
    /// </summary>
    public static IHostApplicationBuilder AddNpgsqlDbContext<TContext>(this IHostApplicationBuilder builder, string connectionName)
        where TContext : DbContext
    {
        var connectionString = builder.Configuration.GetConnectionString(connectionName)
            ?? throw new InvalidOperationException($"Connection string '{connectionName}' is missing (ConnectionStrings__{connectionName}).");

        var dataSource = new NpgsqlDataSourceBuilder(connectionString) { Name = connectionName }.Build();
        builder.Services.AddSingleton(dataSource);
        builder.Services.AddDbContextPool<TContext>(options => options.UseNpgsql(dataSource));

        var migrations = new SqlMigrationRunner(dataSource, typeof(TContext).Assembly);
        builder.Services.AddSingleton(migrations);
        builder.Services.AddHostedService<MigrationHostedService>();
        builder.Services.AddHealthChecks().Add(new(connectionName, _ => new PostgresHealthCheck(dataSource, migrations), null, null));
        return builder;
    }
}
