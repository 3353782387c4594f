using System.Net.Http.Json;
using System.Text.Json;
using AgentCloud.Contracts.Billing;
using AgentCloud.Contracts.Tools;
using AgentCloud.Testing;
using AgentCloud.ToolGateway.Execution;
using AgentCloud.ToolGateway.FunctionalTests.Peers;
using Xunit;
using Xunit.Abstractions;

namespace AgentCloud.ToolGateway.FunctionalTests;

/// <summary>
/// Issue 18, by killing the process: a gateway dies between two steps of a paid call (a fault point makes it SIGKILL
/// itself there), a fresh gateway takes over, and the caller retries with the same tool call id. The tool never runs
/// twice, no hold waits out its expiry, and the audit row, the answer and billing's ledger say the same.
/// </summary>
public sealed class CrashRecoveryTests(CrashRecoveryFixture fixture, ITestOutputHelper output) : IClassFixture<CrashRecoveryFixture>
{
    [Theory]
    [InlineData(FaultPoints.AfterHold, "held", 0, "released", 0L, 10L)]
    [InlineData(FaultPoints.AfterCommit, "committed", 1, "committed", 1L, 9L)]
    public async Task A_gateway_killed_between_two_steps_is_recovered_with_what_billing_did(
        string faultPoint, string holdAtCrash, int targetCalls, string holdAfter, long charged, long balance)
    {
        var (tenant, owner) = await fixture.NewTenantAsync(tokens: 10);
        var user = Guid.NewGuid();
        var marker = Guid.NewGuid().ToString("N");
        var toolCallId = $"crash-{marker}";
        var call = new
        {
            tenantId = tenant, userId = user, toolCallId,
            arguments = new { method = "GET", url = $"{fixture.Peers.BaseUrl}/target/{marker}" },
            callContext = TestCallContexts.Sign(tenant, user, ["http:request"], lifetime: TimeSpan.FromMinutes(5)),
        };

        await using (var doomed = await fixture.StartGatewayAsync(exitAt: faultPoint))
        {
            try
            {
                using var admin = Client(doomed, TestTokens.Admin(tenant));
                (await admin.PutAsJsonAsync("/tool-settings/http_request",
                    new { enabled = true, configuration = new { allowedNetworks = new[] { "127.0.0.0/8" } } })).EnsureSuccessStatusCode();
                using var agents = Client(doomed, TestTokens.Service("agents"));
                await Assert.ThrowsAnyAsync<HttpRequestException>(() => agents.PostAsJsonAsync("/tools/http_request/invoke", call));
                await doomed.Exited.WaitAsync(TimeSpan.FromSeconds(30));
            }
            finally
            {
                output.WriteLine(doomed.Output);
            }
        }
        using var gatewayAtBilling = fixture.BillingAs(TestTokens.Service("tool-gateway"));
        var holdUrl = $"/tokens/holds/by-key?tenantId={tenant}&idempotencyKey={Uri.EscapeDataString($"tool-call:{tenant}:{toolCallId}")}";
        Assert.Equal(holdAtCrash, (await gatewayAtBilling.GetFromJsonAsync<HoldResponse>(holdUrl))!.Status); // the kill landed there
        Assert.Equal(targetCalls, TargetCalls(marker));

        await using var fresh = await fixture.StartGatewayAsync(exitAt: null);
        using var retrying = Client(fresh, TestTokens.Service("agents"));
        var recovered = await RetryUntilSettledAsync(retrying, call);

        Assert.Equal(("unknown", "outcome_unknown", charged), (recovered.Status, recovered.Error!.Code, recovered.TokensCharged));
        using var admin2 = Client(fresh, TestTokens.Admin(tenant));
        var audit = await admin2.GetFromJsonAsync<JsonElement>($"/tool-invocations/{recovered.InvocationId}");
        Assert.Equal(("unknown", charged), (audit.GetProperty("status").GetString(), audit.GetProperty("tokensCharged").GetInt64()));
        var hold = (await gatewayAtBilling.GetFromJsonAsync<HoldResponse>(holdUrl))!;
        Assert.Equal((holdAfter, charged == 0 ? null : charged), (hold.Status, hold.CommittedAmount));
        var account = await owner.GetFromJsonAsync<JsonElement>($"/tokens/balance/{tenant}");
        Assert.Equal((balance, 0L), (account.GetProperty("availableTokens").GetInt64(), account.GetProperty("reservedTokens").GetInt64()));
        Assert.True((await owner.GetFromJsonAsync<JsonElement>($"/tokens/ledger/verify/{tenant}")).GetProperty("consistent").GetBoolean());

        var again = await InvokeAsync(retrying, call);
        Assert.Equal((recovered.InvocationId, "unknown", charged, true), (again.InvocationId, again.Status, again.TokensCharged, again.Replayed));
        Assert.Equal(targetCalls, TargetCalls(marker)); // never sent again
    }

    /// <summary>Within the call's lease (its timeout + the grace) the retry is told in_progress; after it, recovered.</summary>
    static async Task<ToolInvocationResult> RetryUntilSettledAsync(HttpClient client, object call)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            var result = await InvokeAsync(client, call);
            if (result.Status != "in_progress" || DateTime.UtcNow > deadline)
            {
                return result;
            }
            await Task.Delay(TimeSpan.FromSeconds(1));
        }
    }

    static async Task<ToolInvocationResult> InvokeAsync(HttpClient client, object call)
    {
        using var response = await client.PostAsJsonAsync("/tools/http_request/invoke", call);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<ToolInvocationResult>())!;
    }

    int TargetCalls(string marker) => fixture.Peers.Targets.Count(t => t.Path == marker);

    static HttpClient Client(ServiceProcess service, string token) => new HttpClient { BaseAddress = service.BaseAddress }.WithToken(token);
}
