using AgentCloud.EventBus.Abstractions;
using AgentCloud.EventBus.TestConsumer;
using AgentCloud.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace AgentCloud.EventBus.Tests.Support;

/// <summary>The test app running in-process on a loopback port, over the shared real Redis (and Postgres, when given).</summary>
public sealed class RunningApp(WebApplication app) : IAsyncDisposable
{
    public IServiceProvider Services => app.Services;

    public HandlerProbe Probe => app.Services.GetRequiredService<HandlerProbe>();

    public IEventBus Bus => app.Services.GetRequiredService<IEventBus>();

    public HttpClient Http { get; } = new() { BaseAddress = new Uri(app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()) };

    public static async Task<RunningApp> StartAsync(IReadOnlyDictionary<string, string?> settings)
    {
        var app = TestApp.Build(settings);
        await app.StartAsync();
        var running = new RunningApp(app);
        // The operator endpoints answer only this service's own identity.
        running.Http.WithToken(TestTokens.Service(settings["EventBus:AppId"]!));
        return running;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await app.StopAsync();
        await app.DisposeAsync();
    }
}

/// <summary>Settings that isolate one test: its own stream prefix on the shared redis-server, and its own database.</summary>
public static class TestSettings
{
    public static async Task<Dictionary<string, string?>> ForRedisAsync(string appId = "worker")
    {
        var infrastructure = await TestInfrastructure.SharedAsync();
        return new()
        {
            ["ConnectionStrings:redis"] = infrastructure.RedisConnectionString,
            ["EventBus:AppId"] = appId,
            ["Auth:ServiceName"] = appId, // the audience of the service tokens it accepts
            ["Secrets:JwtSigningKey"] = TestTokens.SigningKey,
            ["EventBus:StreamPrefix"] = $"t{Guid.NewGuid():N}:",
            ["EventBus:IdlePollInterval"] = "00:00:01",
            ["EventBus:RetryBaseDelay"] = "00:00:00.050",
            ["EventBus:OutboxPollInterval"] = "00:00:00.100",
        };
    }

    public static async Task<Dictionary<string, string?>> WithDatabaseAsync(this Dictionary<string, string?> settings)
    {
        var infrastructure = await TestInfrastructure.SharedAsync();
        settings["ConnectionStrings:effectsdb"] = await infrastructure.CreateDatabaseAsync("events");
        return settings;
    }

    public static Dictionary<string, string?> With(this Dictionary<string, string?> settings, string key, string? value)
    {
        var copy = new Dictionary<string, string?>(settings) { [key] = value };
        return copy;
    }

    public static async Task<IDatabase> RedisAsync() => (await Connection.Value).GetDatabase();

    static readonly Lazy<Task<ConnectionMultiplexer>> Connection = new(async () =>
        await ConnectionMultiplexer.ConnectAsync((await TestInfrastructure.SharedAsync()).RedisConnectionString));
}
