using AgentCloud.ServiceDefaults.Auth;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Xunit;

namespace AgentCloud.Testing;

/// <summary>
/// Hosts one service in-process over real infrastructure: its own fresh database (<c>ConnectionStrings__{database}</c>,
/// none when null) and the shared redis-server, in the environment the AppHost runs it in (Development: its exception
/// handling, its validation of the service container), under the name the AppHost gives it (<c>Auth:ServiceName</c>:
/// the audience its service tokens carry). Use as an xunit class fixture.
/// </summary>
public class ServiceFactory<TProgram>(string? database) : WebApplicationFactory<TProgram>, IAsyncLifetime where TProgram : class
{
    public const string Environment = "Development";

    readonly Dictionary<string, string?> _settings = new() { ["Auth:ServiceName"] = ServiceName };
    readonly string _streamPrefix = $"tests-{Guid.NewGuid():N}:";
    bool _withStandInDirectory;
    StandInDirectory? _directory;

    public TestInfrastructure Infrastructure { get; private set; } = null!;

    public string DatabaseConnectionString { get; private set; } = "";

    /// <summary>Extra configuration for the service, applied when it is built.</summary>
    public ServiceFactory<TProgram> WithSetting(string key, string? value)
    {
        _settings[key] = value;
        return this;
    }

    /// <summary>The agents service's stand-in, when <see cref="WithStandInDirectory"/> asked for it.</summary>
    public StandInDirectory Directory =>
        _directory ?? throw new InvalidOperationException("Call WithStandInDirectory() in the factory's constructor.");

    /// <summary>
    /// The agents service as a <see cref="StandInDirectory"/> (service tokens, users' permissions) for a service that
    /// calls it; <paramref name="serviceName"/> is this service's identity there, as the AppHost names it.
    /// </summary>
    public ServiceFactory<TProgram> WithStandInDirectory(string serviceName)
    {
        _withStandInDirectory = true;
        return WithSetting("Auth:ServiceName", serviceName);
    }

    public virtual async Task InitializeAsync()
    {
        Infrastructure = await TestInfrastructure.SharedAsync();
        if (database is not null)
        {
            DatabaseConnectionString = await Infrastructure.CreateDatabaseAsync(database);
        }
        if (_withStandInDirectory)
        {
            _directory = await StandInDirectory.StartAsync();
            WithSetting("services:agents:http:0", _directory.BaseUrl);
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_directory is not null)
        {
            await _directory.DisposeAsync();
        }
        GC.SuppressFinalize(this);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(Environment);
        if (database is not null)
        {
            builder.UseSetting($"ConnectionStrings:{database}", DatabaseConnectionString);
        }
        builder.UseSetting("ConnectionStrings:redis", Infrastructure.RedisConnectionString);
        // Test classes share the redis-server: each factory its own streams, or one class's service would consume (and
        // drop, not knowing its tenants) events another class published for its own.
        builder.UseSetting("EventBus:StreamPrefix", _streamPrefix);
        // Every service trusts the test tokens; WithSetting may override.
        builder.UseSetting("Secrets:JwtSigningKey", TestTokens.SigningKey);
        foreach (var service in ServiceClients.Known)
        {
            builder.UseSetting($"Secrets:{ServiceClients.SecretName(service)}", TestTokens.ServiceSecret(service));
        }
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
    }

    /// <summary>The AppHost's name for the service: <c>AgentCloud.ToolGateway</c> → <c>tool-gateway</c>.</summary>
    public static string ServiceName { get; } = string.Concat(typeof(TProgram).Assembly.GetName().Name!.Replace("AgentCloud.", "")
        .Select((c, i) => char.IsUpper(c) ? (i > 0 ? "-" : "") + char.ToLowerInvariant(c) : c.ToString()));

    /// <summary>A client that sends <c>Authorization: Bearer {token}</c> (see <see cref="TestTokens"/>).</summary>
    public HttpClient CreateClient(string token) => CreateClient().WithToken(token);

    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();
}
