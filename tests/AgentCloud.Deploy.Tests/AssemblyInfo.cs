using AgentCloud.Deploy.Tests.Support;
using Xunit;

namespace AgentCloud.Deploy.Tests;

/// <summary>One manifest and one set of generated files for every test class (the AppHost's publisher is a process start).</summary>
[CollectionDefinition(Name)]
public sealed class DeploymentCollection : ICollectionFixture<Deployment>
{
    public const string Name = "deployment";
}
