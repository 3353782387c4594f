namespace AgentCloud.Deploy.Targets;

/// <summary>
/// The image each service is published as: <c>dotnet publish -t:PublishContainer</c> names it from the project's
/// <c>ContainerRepository</c> (<c>agentcloud/{service}</c>, set in Directory.Build.targets from the AppHost's names).
/// </summary>
public static class ContainerImages
{
    public static string Repository(string service) => $"agentcloud/{service}";
}
