using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace AgentCloud.ServiceDefaults.Data;

public static class MigratedDbContextExtensions
{
    /// <summary>
    /// The service's database (<c>ConnectionStrings__{name}</c>): Aspire's <c>AddNpgsqlDbContext</c> (pooled context,
    /// Npgsql tracing and metrics) over one <see cref="NpgsqlDataSource"/> that raw SQL shares, snake_case names, the SQL
    /// migrations embedded in <typeparamref name="TContext"/>'s assembly applied at start-up before the service takes
    /// traffic, and a health check that is healthy only when the database answers and the migrations are applied.
    /// <para>Aspire's retrying execution strategy is off: it refuses user-initiated transactions, and ours (the event
    /// bus's inbox and outbox relay, rotations, multi-row changes) must commit or roll back as one, not be replayed.</para>
    /// </summary>
    public static IHostApplicationBuilder AddMigratedNpgsqlDbContext<TContext>(this IHostApplicationBuilder builder, string connectionName)
        where TContext : DbContext
    {
        var connectionString = builder.Configuration.GetConnectionString(connectionName)
            ?? throw new InvalidOperationException($"Connection string '{connectionName}' is missing (ConnectionStrings__{connectionName}).");
        var dataSource = new NpgsqlDataSourceBuilder(connectionString) { Name = connectionName }.Build();
        builder.Services.AddSingleton(dataSource);

        builder.AddNpgsqlDbContext<TContext>(connectionName,
            settings =>
            {
                settings.DisableRetry = true;
                settings.DisableHealthChecks = true; // replaced by ours: reachable is not enough, the schema must be current
            },
            options => options.UseNpgsql(dataSource).UseSnakeCaseNamingConvention());

        var migrations = new SqlMigrationRunner(dataSource, typeof(TContext).Assembly);
        builder.Services.AddSingleton(migrations);
        builder.Services.AddHostedService<MigrationHostedService>();
        builder.Services.AddHealthChecks().Add(new(connectionName, _ => new PostgresHealthCheck(dataSource, migrations), null, null));
        return builder;
    }
}
