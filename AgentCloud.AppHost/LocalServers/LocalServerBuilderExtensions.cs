using AgentCloud.LocalServers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AgentCloud.AppHost.LocalServers;

/// <summary>
/// PostgreSQL and redis-server as executable resources from the machine's binaries (AgentCloud.LocalServers knows their
/// command lines), shaped like Aspire's own integrations: a connection string, health checks, databases as children.
/// A missing binary is installed with apt-get when the resource starts, shown in its state and log the way Aspire shows
/// an image pull; without root it fails with the exact command to run.
/// </summary>
public static class LocalServerBuilderExtensions
{
    public static IResourceBuilder<PostgresExecutableResource> AddPostgresExecutable(this IDistributedApplicationBuilder builder,
        string name, int port, string stateFolder)
    {
        var cluster = new LocalPostgres(stateFolder);
        // Generated once and kept beside the data it opens (not in user secrets), so a kept state folder always logs in.
        var password = builder.AddParameter($"{name}-password", () => cluster.Password(), secret: true);

        var init = builder.AddExecutable($"{name}-init", "setpriv", stateFolder)
            .WithArgs(context => context.Args.AddRange(cluster.InitdbOnce().Arguments))
            .OnBeforeResourceStarted(async (init, @event, ct) =>
            {
                await EnsureInstalledAsync(init, LocalPostgres.Package, @event.Services, ct);
                cluster.Prepare();
                if (!cluster.IsInitialized)
                {
                    @event.Services.GetRequiredService<ILoggerFactory>().CreateLogger("AgentCloud.AppHost")
                        .LogInformation("Creating a new PostgreSQL cluster in {Folder}", cluster.DataDirectory);
                }
            });

        var postgres = new PostgresExecutableResource(name, "setpriv", stateFolder, password.Resource);
        string? connectionString = null;
        builder.Eventing.Subscribe<ConnectionStringAvailableEvent>(postgres, async (_, ct) =>
            connectionString = await postgres.ConnectionStringExpression.GetValueAsync(ct));
        builder.Eventing.Subscribe<ResourceReadyEvent>(postgres, async (@event, ct) =>
        {
            var notifications = @event.Services.GetRequiredService<ResourceNotificationService>();
            foreach (var database in postgres.Databases)
            {
                await LocalPostgres.CreateDatabaseAsync(connectionString!, database.DatabaseName, ct);
                // Aspire moves children along only under a container parent: a database of an executable says so itself.
                await notifications.PublishUpdateAsync(database, s => s with
                {
                    State = KnownResourceStates.Running,
                    StartTimeStamp = DateTime.UtcNow,
                });
            }
        });
        builder.Services.AddHealthChecks().AddNpgSql(_ => connectionString ?? throw new InvalidOperationException($"{name} has no connection string yet"),
            name: $"{name}_check");

        return builder.AddResource(postgres)
            .WithEndpoint(port: port, name: PostgresExecutableResource.EndpointName, scheme: "tcp")
            .WithArgs(async context =>
            {
                var targetPort = await postgres.PrimaryEndpoint.Property(EndpointProperty.TargetPort).GetValueAsync(context.CancellationToken);
                context.Args.AddRange(cluster.Server(targetPort!).Arguments);
            })
            .WithHealthCheck($"{name}_check")
            .WaitForCompletion(init);
    }

    public static IResourceBuilder<PostgresExecutableDatabaseResource> AddDatabase(this IResourceBuilder<PostgresExecutableResource> server, string name)
    {
        var database = new PostgresExecutableDatabaseResource(name, name, server.Resource);
        server.Resource.Databases.Add(database);
        string? connectionString = null;
        server.ApplicationBuilder.Eventing.Subscribe<ConnectionStringAvailableEvent>(database, async (_, ct) =>
            connectionString = await database.ConnectionStringExpression.GetValueAsync(ct));
        server.ApplicationBuilder.Services.AddHealthChecks().AddNpgSql(
            _ => connectionString ?? throw new InvalidOperationException($"{name} has no connection string yet"), name: $"{name}_check");
        return server.ApplicationBuilder.AddResource(database).WithHealthCheck($"{name}_check");
    }

    public static IResourceBuilder<RedisExecutableResource> AddRedisExecutable(this IDistributedApplicationBuilder builder,
        string name, int port, string stateFolder)
    {
        var server = new LocalRedis(stateFolder);
        var redis = new RedisExecutableResource(name, "setpriv", stateFolder);
        string? connectionString = null;
        builder.Eventing.Subscribe<ConnectionStringAvailableEvent>(redis, async (_, ct) =>
            connectionString = await redis.ConnectionStringExpression.GetValueAsync(ct));
        builder.Services.AddHealthChecks().AddRedis(_ => connectionString ?? throw new InvalidOperationException($"{name} has no connection string yet"),
            name: $"{name}_check");

        return builder.AddResource(redis)
            .WithEndpoint(port: port, name: RedisExecutableResource.EndpointName, scheme: "tcp")
            .WithArgs(async context =>
            {
                var targetPort = await redis.PrimaryEndpoint.Property(EndpointProperty.TargetPort).GetValueAsync(context.CancellationToken);
                context.Args.AddRange(server.Server(targetPort!).Arguments);
            })
            .WithHealthCheck($"{name}_check")
            .OnBeforeResourceStarted((resource, @event, ct) => EnsureInstalledAsync(resource, LocalRedis.Package, @event.Services, ct));
    }

    static async Task EnsureInstalledAsync(IResource resource, MachinePackage package, IServiceProvider services, CancellationToken cancellationToken)
    {
        if (package.IsInstalled)
        {
            return;
        }
        var log = services.GetRequiredService<ResourceLoggerService>().GetLogger(resource);
        if (!package.CanInstall)
        {
            log.LogError("{Message}", package.MissingMessage);
            throw new DistributedApplicationException(package.MissingMessage);
        }
        await services.GetRequiredService<ResourceNotificationService>().PublishUpdateAsync(resource, s => s with
        {
            State = new($"Installing {package.Package}", KnownResourceStateStyles.Info),
        });
        log.LogInformation("'{Binary}' is missing: installing Debian package '{Package}' with apt-get (one time)", package.Binary, package.Package);
        var (exitCode, output) = await Task.Run(() => LocalProcess.Run(package.InstallCommand), cancellationToken);
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            log.LogInformation("{Line}", line);
        }
        if (!package.IsInstalled)
        {
            throw new DistributedApplicationException($"Installing '{package.Package}' failed ({exitCode}). {package.MissingMessage}");
        }
    }

    static void AddRange(this IList<object> arguments, IEnumerable<string> values)
    {
        foreach (var value in values)
        {
            arguments.Add(value);
        }
    }
}
