using System.Diagnostics;
using System.Net.Http.Json;
using AgentCloud.LocalServers;
using AgentCloud.ServiceDefaults.Auth;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AgentCloud.Triggers.Benchmarks;

/// <summary>
/// One replica of the triggers service as its own process (the service's own build output, run with <c>dotnet</c>),
/// on a free port, against the benchmark's database and Redis. Replicas share the database: that is the point.
/// </summary>
sealed class ServiceProcess : IAsyncDisposable
{
    readonly Process _process;

    ServiceProcess(Process process, string baseUrl) => (_process, BaseUrl) = (process, baseUrl);

    public string BaseUrl { get; }

    public static async Task<ServiceProcess> StartAsync(string name, string database, string redis, string signingKey, string streamPrefix)
    {
        var port = FreePort.Next();
        var dll = typeof(Program).Assembly.Location;
        // Run from the service's own folder, so its appsettings.json applies as it does in production.
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        foreach (var argument in new[]
        {
            dll, $"--urls=http://127.0.0.1:{port}", "--environment=Production",
            $"--ConnectionStrings:triggersdb={database}", $"--ConnectionStrings:redis={redis}", $"--Secrets:JwtSigningKey={signingKey}",
            $"--EventBus:StreamPrefix={streamPrefix}", "--Triggers:MaxTriggersPerTenant=100000", "--Logging:LogLevel:Default=Warning",
            "--Logging:LogLevel:Microsoft.EntityFrameworkCore=None", $"--OTEL_SERVICE_NAME=triggers",
        })
        {
            start.ArgumentList.Add(argument);
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        process.OutputDataReceived += (_, e) => { if (e.Data is { Length: > 0 } line) Console.WriteLine($"[{name}] {line}"); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is { Length: > 0 } line) Console.WriteLine($"[{name}] {line}"); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var service = new ServiceProcess(process, $"http://127.0.0.1:{port}");
        await service.WaitHealthyAsync();
        return service;
    }

    /// <summary>A client acting as the tool gateway (service token), which names the tenant in the query.</summary>
    public HttpClient Client(string signingKey)
    {
        var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "agentcloud",
            Audience = "triggers", // a service token is for one service
            Expires = DateTime.UtcNow.AddHours(2),
            Claims = new Dictionary<string, object> { [AgentCloudClaims.Service] = "tool-gateway", [AgentCloudClaims.TokenId] = Guid.NewGuid().ToString("N") },
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Convert.FromBase64String(signingKey)), SecurityAlgorithms.HmacSha256),
        });
        var client = new HttpClient { BaseAddress = new Uri(BaseUrl) };
        client.DefaultRequestHeaders.Authorization = new("Bearer", token);
        return client;
    }

    async Task WaitHealthyAsync()
    {
        using var http = new HttpClient { BaseAddress = new Uri(BaseUrl) };
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            try
            {
                using var response = await http.GetAsync("/health");
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            if (DateTime.UtcNow > deadline || _process.HasExited)
            {
                throw new TimeoutException($"The triggers service at {BaseUrl} did not become healthy.");
            }
            await Task.Delay(200);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true); // SIGKILL: the benchmark is over, its state is thrown away
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
