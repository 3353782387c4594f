using System.Net;
using System.Net.Http.Json;
using AgentCloud.Contracts.Billing;
using AgentCloud.LocalServers;
using AgentCloud.ServiceDefaults.Auth;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AgentCloud.Billing.Benchmarks;

/// <summary>
/// The billing service itself (its Program, on Kestrel, in this process) and hold + commit through its HTTP API with a
/// tool-gateway service token, over real TCP connections.
/// </summary>
sealed class HttpPairs(HttpClient client)
{
    public static HttpPairs Start(string connectionString, string redis, int concurrency)
    {
        var port = FreePort.Next();
        var signingKey = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(64));
        string[] args =
        [
            $"--urls=http://127.0.0.1:{port}", $"--ConnectionStrings:billingdb={connectionString}", $"--ConnectionStrings:redis={redis}",
            $"--Secrets:JwtSigningKey={signingKey}", "--Auth:ServiceName=billing", "--Billing:MonthlyFeeEnabled=false", "--Logging:LogLevel:Default=Error",
            // the benchmark stops PostgreSQL under the still-running service at the end: its relay may not complain
            "--Logging:LogLevel:Microsoft.EntityFrameworkCore=None",
            "--environment=Production",
        ];
        var entryPoint = typeof(Program).Assembly.EntryPoint!;
        new Thread(() => entryPoint.Invoke(null, [args])) { IsBackground = true, Name = "billing-service" }.Start();

        // tool-gateway's service token for billing, as the agents service would issue it
        var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "agentcloud",
            Audience = "billing",
            Expires = DateTime.UtcNow.AddHours(1),
            Claims = new Dictionary<string, object> { [AgentCloudClaims.Service] = "tool-gateway" },
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Convert.FromBase64String(signingKey)), SecurityAlgorithms.HmacSha256),
        });
        var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{port}"),
        };
        client.DefaultRequestHeaders.Authorization = new("Bearer", token);
        return new HttpPairs(client);
    }

    public async Task WaitHealthyAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                using var response = await client.GetAsync("/health");
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
                // not listening yet
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("The billing service did not become healthy.");
            }
            await Task.Delay(100);
        }
    }

    public async Task<bool> HoldAndCommitAsync(Guid tenantId)
    {
        using var hold = await client.PostAsJsonAsync("/tokens/holds",
            new PlaceHoldRequest(tenantId, OperationTypes.Sms, Guid.NewGuid().ToString()));
        if (hold.StatusCode == HttpStatusCode.PaymentRequired)
        {
            return false;
        }
        hold.EnsureSuccessStatusCode();
        var held = (await hold.Content.ReadFromJsonAsync<HoldResponse>())!;
        using var commit = await client.PostAsJsonAsync($"/tokens/holds/{held.HoldId}/commit", new CommitHoldRequest());
        commit.EnsureSuccessStatusCode();
        return true;
    }
}
