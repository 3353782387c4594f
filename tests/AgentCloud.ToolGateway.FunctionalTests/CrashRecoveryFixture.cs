using System.Net;
using System.Net.Http.Json;
using AgentCloud.ServiceDefaults.Auth;
using AgentCloud.Testing;
using AgentCloud.ToolGateway.FunctionalTests.Peers;
using Xunit;

namespace AgentCloud.ToolGateway.FunctionalTests;

/// <summary>
/// For gateways that are killed: the real billing service and the gateways each run as a child process
/// (<see cref="ServiceProcess"/>) over this test run's PostgreSQL and Redis; the agents service is a
/// <see cref="StandInDirectory"/> (service tokens, billing's <c>billing:manage</c> check), the target a local peer.
/// </summary>
public sealed class CrashRecoveryFixture : IAsyncLifetime
{
    readonly string _streamPrefix = $"crash-tests-{Guid.NewGuid():N}:";
    TestInfrastructure _infrastructure = null!;
    string _toolsDb = "";

    public StandInDirectory Directory { get; private set; } = null!;

    public LocalPeers Peers { get; private set; } = null!;

    public ServiceProcess Billing { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _infrastructure = await TestInfrastructure.SharedAsync();
        _toolsDb = await _infrastructure.CreateDatabaseAsync("toolsdb");
        var billingDb = await _infrastructure.CreateDatabaseAsync("billingdb");
        Directory = await StandInDirectory.StartAsync();
        Peers = await LocalPeers.StartAsync();
        Billing = await ServiceProcess.StartAsync("billing", "AgentCloud.Billing.dll", new Dictionary<string, string?>(Shared("billing"))
        {
            ["ConnectionStrings:billingdb"] = billingDb,
            ["Billing:MonthlyFeeEnabled"] = "false",
        });
    }

    /// <summary>A fresh gateway over the same database; <paramref name="exitAt"/> names the fault point where it kills itself.</summary>
    public Task<ServiceProcess> StartGatewayAsync(string? exitAt) =>
        ServiceProcess.StartAsync("tool-gateway", "AgentCloud.ToolGateway.dll", new Dictionary<string, string?>(Shared("tool-gateway"))
        {
            ["ConnectionStrings:toolsdb"] = _toolsDb,
            ["services:billing:http:0"] = Billing.BaseAddress.ToString(),
            ["services:credentials:http:0"] = Peers.BaseUrl,
            ["ToolExecution:LeaseGrace"] = "00:00:01",
            ["ToolExecution:ExitAt"] = exitAt,
        });

    /// <summary>What every service here is given, as <see cref="ServiceFactory{TProgram}"/> gives it in-process.</summary>
    Dictionary<string, string?> Shared(string service)
    {
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:redis"] = _infrastructure.RedisConnectionString,
            ["Secrets:JwtSigningKey"] = TestTokens.SigningKey,
            ["Auth:ServiceName"] = service,
            ["services:agents:http:0"] = Directory.BaseUrl,
            ["EventBus:StreamPrefix"] = _streamPrefix,
        };
        foreach (var known in ServiceClients.Known)
        {
            settings[$"Secrets:{ServiceClients.SecretName(known)}"] = TestTokens.ServiceSecret(known);
        }
        return settings;
    }

    public HttpClient BillingAs(string token) => new HttpClient { BaseAddress = Billing.BaseAddress }.WithToken(token);

    /// <summary>A tenant whose owner bought <paramref name="tokens"/> tokens at billing.</summary>
    public async Task<(Guid Tenant, HttpClient Owner)> NewTenantAsync(long tokens)
    {
        var (tenant, owner) = (Guid.NewGuid(), Guid.NewGuid());
        Directory.Grant(tenant, owner, "billing:manage");
        var client = BillingAs(TestTokens.User(tenant, owner, [AgentCloudRoles.Owner]));
        using var bought = await client.PostAsJsonAsync($"/tokens/add/{tenant}", new { amount = tokens, idempotencyKey = Guid.NewGuid().ToString() });
        Assert.True(bought.StatusCode == HttpStatusCode.OK, await bought.Content.ReadAsStringAsync());
        return (tenant, client);
    }

    public async Task DisposeAsync()
    {
        if (Billing is not null) await Billing.DisposeAsync();
        if (Peers is not null) await Peers.DisposeAsync();
        if (Directory is not null) await Directory.DisposeAsync();
    }
}
