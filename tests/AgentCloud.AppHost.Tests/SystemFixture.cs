using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using AgentCloud.LocalServers;
using Xunit;

namespace AgentCloud.AppHost.Tests;

/// <summary>
/// The whole system started from the AppHost's own Program through Aspire.Hosting.Testing: random ports, a throw-away
/// state folder, and the real dashboard, whose telemetry API shows what every service exported. One app for the whole
/// collection: starting takes ~10 s here and stopping ~13 s.
/// </summary>
public sealed class SystemFixture : IAsyncLifetime
{
    readonly TempFolder _state = new("agentcloud-system-");
    readonly string _dashboardApiKey = Guid.NewGuid().ToString("N");

    public DistributedApplication App { get; private set; } = null!;

    public string StateFolder => _state.Path;

    /// <summary>The dashboard's telemetry HTTP API (<c>/api/telemetry/...</c>), authenticated.</summary>
    public HttpClient Dashboard { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var (dashboard, otlp, resourceService) = (FreePort.Next(), FreePort.Next(), FreePort.Next());
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AgentCloud_AppHost>(
            [
                $"--StateFolder={StateFolder}",
                $"--ASPNETCORE_URLS=http://127.0.0.1:{dashboard}",
                $"--ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL=http://127.0.0.1:{otlp}",
                $"--ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL=http://127.0.0.1:{resourceService}",
                $"--AppHost:DashboardApiKey={_dashboardApiKey}",
            ],
            (options, _) =>
            {
                options.DisableDashboard = false;
                options.AllowUnsecuredTransport = true;
            });
        // The monthly fee job charges every new account within a minute: balances asserted here would depend on timing.
        builder.CreateResourceBuilder<ProjectResource>("billing").WithEnvironment("Billing__MonthlyFeeEnabled", "false");
        App = await builder.BuildAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        await App.StartAsync(timeout.Token);
        await App.ResourceNotifications.WaitForResourceHealthyAsync("web", timeout.Token); // web waits for every service
        Dashboard = new HttpClient { BaseAddress = await App.GetDashboardUrlAsync(timeout.Token) ?? throw new InvalidOperationException("no dashboard") };
        Dashboard.DefaultRequestHeaders.Add("x-api-key", _dashboardApiKey);
    }

    public async Task DisposeAsync()
    {
        Dashboard?.Dispose();
        await App.DisposeAsync();
        _state.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class SystemCollection : ICollectionFixture<SystemFixture>
{
    public const string Name = "system";
}
