using AgentCloud.Hosting.Orchestration;

namespace AgentCloud.Hosting.ApplicationModel;

/// <summary>A .NET project of the solution, run from its build output with Aspire's environment conventions.</summary>
public sealed class ProjectResource(string name, IProjectMetadata project) : ProcessResource(name), IResourceWithEndpoint
{
    static readonly HttpClient Probe = new() { Timeout = TimeSpan.FromSeconds(2) };

    public IProjectMetadata Project => project;

    public string Url => $"http://127.0.0.1:{Port}";

    public override string DisplayUrl => Url;

    internal override ManagedProcess Start(HostingContext context, ResourceLog log)
    {
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_URLS"] = Url,
            ["ASPNETCORE_ENVIRONMENT"] = context.EnvironmentName,
            ["DOTNET_ENVIRONMENT"] = context.EnvironmentName,
            ["OTEL_SERVICE_NAME"] = Name,
            ["OTEL_RESOURCE_ATTRIBUTES"] = $"service.instance.id={Name}-{Guid.NewGuid():N}",
            ["Logging__Console__FormatterName"] = "simple",
            ["Logging__Console__FormatterOptions__SingleLine"] = "true",
            ["Logging__Console__FormatterOptions__ColorBehavior"] = "Disabled",
        };
        foreach (var (key, value) in context.SharedEnvironment)
        {
            environment[key] = value;
        }
        foreach (var (key, value) in Environment)
        {
            environment[key] = value();
        }

        return ManagedProcess.Start(context.DotnetHost, ["exec", project.TargetPath], log, environment,
            workingDirectory: Path.GetDirectoryName(project.ProjectPath));
    }

    internal override async Task<bool> IsReadyAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var response = await Probe.GetAsync($"{Url}/health", cancellationToken);
            return response.IsSuccessStatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }
}
