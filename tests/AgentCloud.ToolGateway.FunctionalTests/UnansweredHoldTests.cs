using System.Net.Http.Json;
using System.Text.Json;
using AgentCloud.ToolGateway.FunctionalTests.Peers;
using Xunit;

namespace AgentCloud.ToolGateway.FunctionalTests;

[Collection(GatewayCollection.Name)]
public sealed class UnansweredHoldTests(ToolGatewayFactory factory)
{
    [Fact]
    public async Task A_hold_placed_but_never_answered_is_found_by_its_key_and_released_at_once()
    {
        var tenant = new TestTenant(factory).Grant("sms:send").Tokens(10);
        await tenant.ConfigureAsync("send_sms", new { from = "+15550000001" });
        var credential = tenant.AddCredential("twilio", LocalPeers.TwilioAuthToken, new() { ["account_sid"] = "AC0123456789abcdef0123456789abcdef" });
        factory.Peers.Billing.SlowAnswers[tenant.TenantId] = TimeSpan.FromSeconds(3);
        var callId = TestTenant.NewCallId();

        // The caller hangs up while billing, having placed the hold, has not answered yet.
        using var hangUp = new CancellationTokenSource(TimeSpan.FromMilliseconds(700));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => tenant.Agents.PostAsJsonAsync("/tools/send_sms/invoke", new
        {
            tenantId = tenant.TenantId, userId = tenant.UserId, toolCallId = callId, credentialId = credential,
            arguments = new { to = "+15550001111", body = "hi" },
        }, hangUp.Token));

        var hold = Assert.Single(factory.Peers.Billing.HoldsOf(tenant.TenantId));
        for (var waited = 0; hold.State == "held" && waited < 100; waited++)
        {
            await Task.Delay(100);
        }
        Assert.Equal("released", hold.State);
        Assert.Equal(10, factory.Peers.Billing.Available(tenant.TenantId));
        Assert.DoesNotContain(factory.Peers.Twilio, r => r.Form.GetValueOrDefault("To") == "+15550001111");
        JsonElement[] audit = [];
        for (var waited = 0; audit.Length == 0 && waited < 100; waited++)
        {
            await Task.Delay(100);
            audit = [.. (await tenant.Admin.GetFromJsonAsync<JsonElement>("/tool-invocations")).EnumerateArray()
                .Where(r => r.GetProperty("toolCallId").GetString() == callId)];
        }
        var row = Assert.Single(audit);
        Assert.Equal(("failed", "billing_unavailable"), (row.GetProperty("status").GetString(), row.GetProperty("errorCode").GetString()));
    }
}
