using System.Collections.Concurrent;
using System.Diagnostics;
using AgentCloud.ServiceDefaults.Auth;
using AgentCloud.Testing;
using AgentCloud.ToolGateway.FunctionalTests.Peers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit;

namespace AgentCloud.ToolGateway.FunctionalTests;

/// <summary>
/// The gateway over a fresh toolsdb, with its peers on a local Kestrel (<see cref="LocalPeers"/>: agents/billing/
/// credentials stand-ins, Twilio and Tavily shapes) and a real SMTP server. Captures every log line and every span
/// tag so tests can prove secrets never reach them. Its service token is minted locally (no agents service here).
/// </summary>
public sealed class ToolGatewayFactory() : ServiceFactory<Program>("toolsdb"), IAsyncLifetime
{
    ActivityListener? _listener;

    public LocalPeers Peers { get; private set; } = null!;

    public SmtpPeer Smtp { get; private set; } = null!;

    public StandInTriggers Triggers { get; private set; } = null!;

    public ConcurrentQueue<string> Logs { get; } = new();

    public ConcurrentQueue<string> SpanTexts { get; } = new();

    public ConcurrentQueue<Activity> Spans { get; } = new();

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Peers = await LocalPeers.StartAsync();
        Smtp = await SmtpPeer.StartAsync();
        Triggers = await StandInTriggers.StartAsync();
        WithSetting("services:triggers:http:0", Triggers.BaseUrl);
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name.StartsWith("AgentCloud", StringComparison.Ordinal) || source.Name is "System.Net.Http" or "Npgsql" or "Microsoft.AspNetCore",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                Spans.Enqueue(activity);
                SpanTexts.Enqueue($"{activity.DisplayName} {string.Join(" ", activity.TagObjects.Select(t => $"{t.Key}={t.Value}"))} "
                    + string.Join(" ", activity.Events.Select(e => e.Name + string.Join(" ", e.Tags.Select(t => $"{t.Key}={t.Value}")))));
            },
        };
        ActivitySource.AddActivityListener(_listener);
        foreach (var service in new[] { "agents", "billing", "credentials" })
        {
            WithSetting($"services:{service}:http:0", Peers.BaseUrl);
        }
        WithSetting("Auth:ServiceName", "tool-gateway"); // the AppHost sets it through OTEL_SERVICE_NAME
        WithSetting("Connectors:TwilioBaseUrl", Peers.BaseUrl);
        WithSetting("Connectors:TavilyBaseUrl", Peers.BaseUrl);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureLogging(logging => logging.AddProvider(new CapturingLoggerProvider(Logs)).SetMinimumLevel(LogLevel.Debug));
        builder.ConfigureTestServices(services => services.AddLocalServiceTokenIssuer());
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        _listener?.Dispose();
        await DisposeAsync();
        if (Peers is not null) await Peers.DisposeAsync();
        if (Smtp is not null) await Smtp.DisposeAsync();
        if (Triggers is not null) await Triggers.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class GatewayCollection : ICollectionFixture<ToolGatewayFactory>
{
    public const string Name = "gateway";
}
