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
        var connectionString = builder.ConnectionStringOf(postgres);
        builder.Eventing.Subscribe<ResourceReadyEvent>(postgres, async (@event, ct) =>
        {
            var notifications = @event.Services.GetRequiredService<ResourceNotificationService>();
            foreach (var database in postgres.Databases)
            {
                await LocalPostgres.CreateDatabaseAsync(connectionString(), database.DatabaseName, ct);
                // Aspire moves children along only under a container parent: a database of an executable says so itself.
                await notifications.PublishUpdateAsync(database, s => s with
                {
                    State = KnownResourceStates.Running,
                    StartTimeStamp = DateTime.UtcNow,
                });
            }
        });
        builder.Services.AddHealthChecks().AddNpgSql(_ => connectionString(), name: $"{name}_check");

        return builder.AddResource(postgres)
            .WithServerEndpoint(port, postgres.PrimaryEndpoint, targetPort => cluster.Server(targetPort))
            .WithHealthCheck($"{name}_check")
            .WaitForCompletion(init);
    }

    public static IResourceBuilder<PostgresExecutableDatabaseResource> AddDatabase(this IResourceBuilder<PostgresExecutableResource> server, string name)
    {
        var database = new PostgresExecutableDatabaseResource(name, name, server.Resource);
        server.Resource.Databases.Add(database);
        var connectionString = server.ApplicationBuilder.ConnectionStringOf(database);
        server.ApplicationBuilder.Services.AddHealthChecks().AddNpgSql(_ => connectionString(), name: $"{name}_check");
        return server.ApplicationBuilder.AddResource(database).WithHealthCheck($"{name}_check");
    }

    public static IResourceBuilder<RedisExecutableResource> AddRedisExecutable(this IDistributedApplicationBuilder builder,
        string name, int port, string stateFolder)
    {
        var server = new LocalRedis(stateFolder);
        var redis = new RedisExecutableResource(name, "setpriv", stateFolder);
        var connectionString = builder.ConnectionStringOf(redis);
        builder.Services.AddHealthChecks().AddRedis(_ => connectionString(), name: $"{name}_check");

        return builder.AddResource(redis)
            .WithServerEndpoint(port, redis.PrimaryEndpoint, targetPort => server.Server(targetPort))
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

    /// <summary>
    /// A TCP endpoint DCP proxies on <paramref name="port"/>; the server itself listens on the port DCP picks for it,
    /// handed to <paramref name="command"/> when it starts.
    /// </summary>
    static IResourceBuilder<T> WithServerEndpoint<T>(this IResourceBuilder<T> builder, int port, EndpointReference endpoint,
        Func<string, ServerCommand> command) where T : ExecutableResource =>
        builder
            .WithEndpoint(port: port, name: endpoint.EndpointName, scheme: "tcp")
            .WithArgs(async context =>
            {
                var targetPort = await endpoint.Property(EndpointProperty.TargetPort).GetValueAsync(context.CancellationToken);
                context.Args.AddRange(command(targetPort!).Arguments);
            });

    /// <summary>The resource's connection string, once Aspire has resolved it (health checks and start-up work need it).</summary>
    static Func<string> ConnectionStringOf(this IDistributedApplicationBuilder builder, IResourceWithConnectionString resource)
    {
        string? value = null;
        builder.Eventing.Subscribe<ConnectionStringAvailableEvent>(resource, async (_, ct) =>
            value = await resource.ConnectionStringExpression.GetValueAsync(ct));
        return () => value ?? throw new InvalidOperationException($"{resource.Name} has no connection string yet");
    }

    static void AddRange(this IList<object> arguments, IEnumerable<string> values)
    {
        foreach (var value in values)
        {
            arguments.Add(value);
        }
    }
}
