using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using AgentCloud.AppHost.LocalServers;
using AgentCloud.LocalServers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AgentCloud.AppHost;

/// <summary>
/// Where the topology meets the machine, and the only place that tells run mode from publish mode. Run mode
/// (<c>dotnet run</c>, tests): PostgreSQL and redis-server from this machine's binaries as executable resources, their
/// data and the local secret store in the state folder. Publish mode (the manifest): Aspire's standard PostgreSQL and
/// Redis containers, secrets left to the target's secret store.
/// </summary>
public static class Extensions
{
    public static IResourceBuilder<IResourceWithConnectionString> AddPostgresServer(this IDistributedApplicationBuilder builder, string name, int port) =>
        builder.ExecutionContext.IsRunMode
            ? builder.AddPostgresExecutable(name, port, Path.Combine(builder.StateFolder(), name))
            : builder.AddPostgres(name, port: port).WithDataVolume();

    public static IResourceBuilder<IResourceWithConnectionString> AddDatabase(this IResourceBuilder<IResourceWithConnectionString> server, string name) =>
        server switch
        {
            IResourceBuilder<PostgresExecutableResource> executable => LocalServerBuilderExtensions.AddDatabase(executable, name),
            IResourceBuilder<PostgresServerResource> container => PostgresBuilderExtensions.AddDatabase(container, name),
            _ => throw new ArgumentException($"'{server.Resource.Name}' is not a PostgreSQL server.", nameof(server)),
        };

    public static IResourceBuilder<IResourceWithConnectionString> AddRedisServer(this IDistributedApplicationBuilder builder, string name, int port) =>
        builder.ExecutionContext.IsRunMode
            ? builder.AddRedisExecutable(name, port, Path.Combine(builder.StateFolder(), name))
            : builder.AddRedis(name, port).WithDataVolume();

    /// <summary>
    /// One of our projects: HTTP on <paramref name="port"/> for a developer's run (tests randomise every port), healthy
    /// when <c>/health</c> answers; in run mode also the AppHost's environment name (Development seeds the demo tenant)
    /// and the local secret store.
    /// </summary>
    public static IResourceBuilder<ProjectResource> AddService<TProject>(this IDistributedApplicationBuilder builder, string name, int port)
        where TProject : IProjectMetadata, new()
    {
        var service = builder.AddProject<TProject>(name).WithHttpEndpoint(port: port).WithHttpHealthCheck("/health");
        return builder.ExecutionContext.IsRunMode
            ? service
                .WithEnvironment("ASPNETCORE_ENVIRONMENT", builder.Environment.EnvironmentName)
                .WithEnvironment("Secrets__File", LocalSecretsFile.CreateIfMissing(Path.Combine(builder.StateFolder(), "secrets.json")))
            : service;
    }

    /// <summary>Once the web app is healthy (it waits for every service), says where to go and, in Development, how to sign in.</summary>
    public static IResourceBuilder<ProjectResource> WithStartupNote(this IResourceBuilder<ProjectResource> web, IResourceBuilder<ProjectResource> agents)
    {
        var builder = web.ApplicationBuilder;
        builder.Eventing.Subscribe<ResourceReadyEvent>(web.Resource, (@event, _) =>
        {
            var note = new StringBuilder($"""
                AgentCloud is up after {(DateTime.Now - Process.GetCurrentProcess().StartTime).TotalSeconds:0.0} s: open {web.GetEndpoint("http").Url} (Ctrl+C stops everything). State: {builder.StateFolder()}
                """);
            if (builder.Environment.EnvironmentName == "Development")
            {
                note.Append($"""

                    Demo sign-in (seeded in Development only; POST {agents.GetEndpoint("http").Url}/auth/token):
                      admin@demo.agentcloud.local  / demo-admin-password   (owner)
                      member@demo.agentcloud.local / demo-member-password  (member)
                    """);
            }
            @event.Services.GetRequiredService<ILoggerFactory>().CreateLogger("AgentCloud.AppHost").LogInformation("{Note}", note);
            return Task.CompletedTask;
        });
        return web;
    }

    /// <summary>
    /// Where run mode keeps its state (configuration <c>StateFolder</c>): by default <c>.agentcloud/</c> beside the
    /// solution. PostgreSQL runs as the postgres user when we are root and must reach its data: when the clone sits in a
    /// folder that user cannot enter (root's home, 0700), the default moves to <c>/var/lib/agentcloud/{clone}-{hash}</c>;
    /// a configured folder it cannot reach stops start-up with the exact fix instead.
    /// </summary>
    public static string StateFolder(this IDistributedApplicationBuilder builder)
    {
        if (builder.Configuration["StateFolder"] is { Length: > 0 } configured)
        {
            var full = Path.GetFullPath(configured);
            return PostgresUser.WhyUnreachable(full) is { } why ? throw new DistributedApplicationException(why) : full;
        }
        var solution = Path.GetDirectoryName(builder.AppHostDirectory.TrimEnd('/'))!;
        var folder = PostgresUser.Blocker(solution) is null
            ? Path.Combine(solution, ".agentcloud")
            : Path.Combine("/var/lib/agentcloud", $"{Path.GetFileName(solution)}-{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(solution)))[..8]}");
        builder.Configuration["StateFolder"] = folder; // decided once
        return folder;
    }
}
