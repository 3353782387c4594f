using AgentCloud.Hosting;
using AgentCloud.Hosting.Testing;
using Xunit;

namespace AgentCloud.AppHost.Tests;

/// <summary>The whole system, started from the AppHost's own Program through the testing entry point.</summary>
public sealed class SystemFixture : IAsyncLifetime
{
    public DistributedApplication App { get; private set; } = null!;

    public async Task InitializeAsync() =>
        App = await DistributedApplicationTestingBuilder.StartAsync<Program>(cancellationToken: new CancellationTokenSource(TimeSpan.FromMinutes(3)).Token);

    public async Task DisposeAsync() => await App.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class SystemCollection : ICollectionFixture<SystemFixture>
{
    public const string Name = "system";
}
