using AgentCloud.Hosting.ApplicationModel;
using AgentCloud.Hosting.Testing;
using Microsoft.Extensions.Configuration;

namespace AgentCloud.Hosting;

/// <summary>
/// Collects the topology. Configuration (environment variables, then command-line arguments):
/// <c>StateFolder</c> (default <c>.agentcloud/</c> beside the solution), <c>Ports:{resource}</c> to move a resource,
/// <c>Environment</c> (default Development).
/// </summary>
public sealed class DistributedApplicationBuilder
{
    readonly List<IResource> _resources = [];

    internal DistributedApplicationBuilder(string[] args, TestingSession? testing)
    {
        Testing = testing;
        Configuration = new ConfigurationBuilder()
            .AddEnvironmentVariables()
            .AddCommandLine(args)
            .AddInMemoryCollection(testing?.Configuration ?? [])
            .Build();
    }

    public IConfiguration Configuration { get; }

    internal TestingSession? Testing { get; }

    public string EnvironmentName => Configuration["Environment"] ?? "Development";

    internal IReadOnlyList<IResource> Resources => _resources;

    public IResourceBuilder<T> AddResource<T>(T resource) where T : IResource
    {
        if (_resources.Any(r => string.Equals(r.Name, resource.Name, StringComparison.OrdinalIgnoreCase)))
        {
            throw new InvalidOperationException($"A resource named '{resource.Name}' already exists.");
        }
        _resources.Add(resource);
        return new ResourceBuilder<T>(resource, this);
    }

    /// <summary>Text printed under the resource table once everything is healthy (e.g. how to sign in).</summary>
    public void AddStartupNote(string note) => StartupNotes.Add(note);

    internal List<string> StartupNotes { get; } = [];

    public DistributedApplication Build() => new(this);

    internal string ResolveStateFolder() =>
        Testing?.StateFolder
        ?? (Configuration["StateFolder"] is { Length: > 0 } configured ? Path.GetFullPath(configured) : null)
        ?? Path.Combine(FindSolutionFolder() ?? Environment.CurrentDirectory, ".agentcloud");

    static string? FindSolutionFolder()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (dir.GetFiles("AgentCloud.sln").Length > 0)
                {
                    return dir.FullName;
                }
            }
        }
        return null;
    }
}
