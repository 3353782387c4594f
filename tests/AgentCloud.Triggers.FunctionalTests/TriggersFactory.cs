using AgentCloud.Testing;
using AgentCloud.Triggers.FunctionalTests.Peers;
using AgentCloud.Triggers.Scheduling;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using System.Collections.Concurrent;

namespace AgentCloud.Triggers.FunctionalTests;

/// <summary>
/// The triggers service over a fresh triggersdb and the shared redis-server, with the agents service as a
/// <see cref="StandInDirectory"/> (its service token, <c>GET /agents/{id}</c>) and its other peers on one local Kestrel
/// (<see cref="LocalPeers"/>: credentials stand-in, Gmail and HubSpot shapes, http_poll feeds). Polling intervals may
/// be 1 s and loopback may be polled. Its own stream prefix keeps its events apart from other test classes'.
/// </summary>
public class TriggersFactory : ServiceFactory<Program>
{
    readonly ManualClock? _clock;
    readonly TriggersFactory? _replicaOf;
    readonly string _streamPrefix;

    public TriggersFactory() : this(null, null)
    {
    }

    /// <param name="clock">The schedule's clock; with one, the scheduler and listener loops are off and tests drive them.</param>
    /// <param name="replicaOf">Another host of the same service on the same database, peers and stream prefix.</param>
    protected TriggersFactory(ManualClock? clock, TriggersFactory? replicaOf) : base("triggersdb")
    {
        (_clock, _replicaOf) = (clock, replicaOf);
        WithStandInDirectory("triggers");
        WithSetting("Triggers:MinPollIntervalSeconds", "1");
        WithSetting("Triggers:HttpPollAllowedNetworks:0", "127.0.0.0/8");
        WithSetting("Triggers:ListenerCheckInterval", "00:00:00.200");
        _streamPrefix = replicaOf?.StreamPrefix ?? $"triggers-tests-{Guid.NewGuid():N}:";
        WithSetting("EventBus:StreamPrefix", _streamPrefix);
        if (clock is not null)
        {
            WithSetting("Triggers:SchedulerEnabled", "false");
            WithSetting("Triggers:ListenersEnabled", "false");
        }
    }

    public LocalPeers Peers { get; private set; } = null!;

    /// <summary>The database this host uses (a replica's is its original's).</summary>
    public string Database => _replicaOf?.Database ?? DatabaseConnectionString;

    public string StreamPrefix => _streamPrefix;

    public static TriggersFactory WithClock(ManualClock clock) => new(clock, null);

    /// <summary>A second host on this one's database (its own scheduler and listener loops; same clock if any).</summary>
    public TriggersFactory Replica() => new(_clock, this);

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Peers = _replicaOf?.Peers ?? await LocalPeers.StartAsync();
        WithSetting("services:credentials:http:0", Peers.BaseUrl);
        WithSetting("Triggers:GmailBaseUrl", Peers.BaseUrl);
        WithSetting("Triggers:GmailTokenUrl", $"{Peers.BaseUrl}/oauth/v1/token");
        WithSetting("Triggers:HubSpotBaseUrl", Peers.BaseUrl);
        WithSetting("Triggers:HubSpotTokenUrl", $"{Peers.BaseUrl}/oauth/v1/token");
        if (_replicaOf is not null)
        {
            WithSetting("ConnectionStrings:triggersdb", _replicaOf.Database);
        }
    }

    /// <summary>Every log line of this host (warnings and up), for tests that check what the service said.</summary>
    public ConcurrentQueue<string> Logs { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureLogging(logging => logging.AddProvider(new CapturingLoggerProvider(Logs)).AddFilter<CapturingLoggerProvider>(level => level >= LogLevel.Warning));
        if (_clock is not null)
        {
            builder.ConfigureTestServices(services => services.AddKeyedSingleton<TimeProvider>(Clock.Key, _clock));
        }
    }

    public override async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return; // a test that stopped the service disposes it early
        }
        _disposed = true;
        await base.DisposeAsync();
        if (_replicaOf is null && Peers is not null)
        {
            await Peers.DisposeAsync();
        }
        GC.SuppressFinalize(this);
    }

    bool _disposed;

    public T Service<T>() where T : notnull => Services.GetRequiredService<T>();
}

/// <summary>A schedule clock the test sets by hand.</summary>
public sealed class ManualClock(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;

    public void Advance(TimeSpan by) => Now += by;
}
