using System.Reflection;
using System.Security.Cryptography;
using AgentCloud.LocalServers;

namespace AgentCloud.Agents.Benchmarks;

/// <summary>
/// PostgreSQL (durable: fsync and synchronous_commit on, as the AppHost runs it) and redis-server from the machine's
/// binaries, and the agents, tool-gateway and billing services started from their own Program (real Kestrel, real
/// HTTP between them, service discovery through configuration), all on free ports.
/// </summary>
sealed class Platform : IAsyncDisposable
{
    ThrowAwayServers _servers = null!;
    readonly Dictionary<string, string> _urls = [];

    public string SigningKey { get; } = Convert.ToBase64String(RandomNumberGenerator.GetBytes(64));

    public string Url(string service) => _urls[service];

    public static async Task<Platform> StartAsync(bool durable)
    {
        var platform = new Platform();
        var servers = platform._servers = await ThrowAwayServers.StartAsync(
            Path.Combine(Path.GetTempPath(), $"agents-bench-{Guid.NewGuid():N}"[..25]), durable);
        string ConnectionString(string database) => servers.ConnectionString(database);

        var services = new[] { ("agents", "AgentCloud.Agents", "agentsdb"), ("tool-gateway", "AgentCloud.ToolGateway", "toolsdb"), ("billing", "AgentCloud.Billing", "billingdb") };
        foreach (var (name, _, database) in services)
        {
            await servers.CreateDatabaseAsync(database);
            platform._urls[name] = $"http://127.0.0.1:{FreePort.Next()}";
        }
        foreach (var (name, assembly, database) in services)
        {
            List<string> args =
            [
                $"--urls={platform._urls[name]}", $"--ConnectionStrings:{database}={ConnectionString(database)}",
                $"--ConnectionStrings:redis={servers.RedisConnectionString}", $"--Secrets:JwtSigningKey={platform.SigningKey}",
                $"--Auth:ServiceName={name}", $"--EventBus:AppId={name}", "--environment=Production", "--Logging:LogLevel:Default=Warning",
                "--Billing:MonthlyFeeEnabled=false",
            ];
            args.AddRange(services.Select(s => $"--Secrets:ServiceSecret-{s.Item1}=bench-secret-{s.Item1}"));
            args.AddRange(services.Where(s => s.Item1 != name).Select(s => $"--services:{s.Item1}:http:0={platform._urls[s.Item1]}"));
            args.Add($"--services:credentials:http:0={platform._urls["agents"]}"); // unused by the no-op tool
            var entryPoint = Assembly.Load(assembly).EntryPoint!;
            new Thread(() => entryPoint.Invoke(null, [args.ToArray()])) { IsBackground = true, Name = name }.Start();
        }
        using var probe = new HttpClient();
        foreach (var url in platform._urls.Values)
        {
            await WaitAsync(async () =>
            {
                try
                {
                    return (await probe.GetAsync($"{url}/health")).IsSuccessStatusCode;
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            });
        }
        return platform;
    }

    static async Task WaitAsync(Func<Task<bool>> ready)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (!await ready())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("A resource did not become ready.");
            }
            await Task.Delay(100);
        }
    }

    public ValueTask DisposeAsync() => _servers.DisposeAsync();
}
