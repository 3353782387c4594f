using System.Diagnostics;
using System.Net.Http.Json;
using AgentCloud.Contracts.Tools;
using AgentCloud.ServiceDefaults.Auth;
using AgentCloud.Testing;
using AgentCloud.ToolGateway.FunctionalTests;
using AgentCloud.ToolGateway.FunctionalTests.Peers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace AgentCloud.ToolGateway.Benchmarks;

/// <summary>Usage: dotnet run -c Release --project benchmarks/AgentCloud.ToolGateway.Benchmarks -- [seconds=10] [concurrency=16] [tool=current_time|web_search] [permissions=context|directory]
/// <c>web_search</c> turns on everything a paid external tool does: permission check, billing hold and commit, credential
/// fetch, and the Tavily-shaped call, all against local peers over real sockets (stand-ins for agents/billing/credentials).
/// The permissions come from a signed call context, as the agents runtime sends them (<c>directory</c>: none is sent,
/// so the gateway asks the agents stand-in on every call).
/// Hosts the gateway in-process (TestServer, no sockets) over a real PostgreSQL and redis-server, and drives
/// POST /tools/{tool}/invoke as the agents service with a fresh tool call id per call. For a no-op tool the whole
/// latency is gateway overhead: auth, idempotency claim, validation, audit row and outbox event.</summary>
public static class InvokeBenchmark
{
    public static async Task Main(string[] args)
    {
        var seconds = args.Length > 0 ? int.Parse(args[0]) : 10;
        var concurrency = args.Length > 1 ? int.Parse(args[1]) : 16;
        var tool = args.Length > 2 ? args[2] : "current_time";
        var withContext = args.Length <= 3 || args[3] != "directory";

        // WebApplicationFactory finds a test assembly's content root by its attributes; a console app says it here.
        Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_AGENTCLOUD_TOOLGATEWAY", FindServiceFolder());
        await using var peers = await LocalPeers.StartAsync();
        await using var factory = new BenchmarkFactory(peers.BaseUrl);
        await ((Xunit.IAsyncLifetime)factory).InitializeAsync();
        var client = factory.CreateClient(TestTokens.Service("agents"));
        var tenant = Guid.NewGuid();
        var user = Guid.NewGuid();
        var credential = Guid.NewGuid();
        peers.Permissions[user] = ["web:search"];
        peers.Billing.SetBalance(tenant, long.MaxValue / 2);
        peers.Credentials[(tenant, credential)] = new StoredCredential("tavily", LocalPeers.TavilyApiKey, []);
        using (var admin = factory.CreateClient(TestTokens.Admin(tenant)))
        {
            (await admin.PutAsJsonAsync("/tool-settings/web_search", new { enabled = true })).EnsureSuccessStatusCode();
        }
        object arguments = tool == "web_search" ? new { query = "agentcloud" } : new { timezone = "Europe/Paris" };
        // One per run of the benchmark, as the runtime mints one per turn (valid for the whole run).
        var callContext = withContext
            ? TestCallContexts.Sign(tenant, user, ["web:search"], lifetime: CallContext.MaxLifetime)
            : null;

        async Task<long> InvokeOnceAsync()
        {
            var started = Stopwatch.GetTimestamp();
            using var response = await client.PostAsJsonAsync($"/tools/{tool}/invoke",
                new { tenantId = tenant, userId = user, credentialId = credential, toolCallId = Guid.NewGuid().ToString("N"), arguments, callContext });
            var result = await response.Content.ReadFromJsonAsync<ToolInvocationResult>();
            if (result?.Status != "succeeded")
            {
                throw new InvalidOperationException($"{(int)response.StatusCode} {result?.Status} {result?.Error?.Code}");
            }
            return Stopwatch.GetTimestamp() - started;
        }

        async Task<List<long>> RunAsync(TimeSpan duration)
        {
            var until = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
            var workers = Enumerable.Range(0, concurrency).Select(async _ =>
            {
                var samples = new List<long>();
                while (Stopwatch.GetTimestamp() < until)
                {
                    samples.Add(await InvokeOnceAsync());
                }
                return samples;
            });
            return [.. (await Task.WhenAll(workers)).SelectMany(s => s)];
        }

        await RunAsync(TimeSpan.FromSeconds(3)); // warm-up: JIT, connection pools, plans
        var measured = await RunAsync(TimeSpan.FromSeconds(seconds));
        measured.Sort();
        double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
        double Percentile(double p) => Ms(measured[Math.Min(measured.Count - 1, (int)Math.Ceiling(p * measured.Count) - 1)]);

        Console.WriteLine($"tool={tool} concurrency={concurrency} duration={seconds}s cores={Environment.ProcessorCount} permissions={(withContext ? "context" : "directory")}");
        Console.WriteLine($"invocations={measured.Count} throughput={measured.Count / (double)seconds:F0}/s");
        Console.WriteLine($"latency p50={Percentile(0.50):F2} ms p90={Percentile(0.90):F2} ms p99={Percentile(0.99):F2} ms max={Ms(measured[^1]):F2} ms");
    }

    static string FindServiceFolder()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            var candidate = Path.Combine(folder.FullName, "services", "tool-gateway");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new DirectoryNotFoundException("services/tool-gateway not found above " + AppContext.BaseDirectory);
    }
}

/// <summary>The gateway wired to the local peers; its service token is minted locally (no agents service here).</summary>
sealed class BenchmarkFactory : ServiceFactory<Program>
{
    public BenchmarkFactory(string peers) : base("toolsdb")
    {
        WithSetting("Logging:LogLevel:Default", "Warning");
        WithSetting("Auth:ServiceName", "tool-gateway");
        WithSetting("Connectors:TavilyBaseUrl", peers);
        foreach (var service in new[] { "agents", "billing", "credentials" })
        {
            WithSetting($"services:{service}:http:0", peers);
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.AddLocalServiceTokenIssuer());
    }
}
