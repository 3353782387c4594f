using System.Text;
using AgentCloud.ToolGateway.FunctionalTests.Peers;
using Xunit;

namespace AgentCloud.ToolGateway.FunctionalTests;

[Collection(GatewayCollection.Name)]
public sealed class TwilioTests(ToolGatewayFactory factory)
{
    const string AccountSid = "AC0123456789abcdef0123456789abcdef";

    async Task<(TestTenant Tenant, Guid Credential)> TwilioTenantAsync(params string[] tools)
    {
        var tenant = new TestTenant(factory).Grant("sms:send", "whatsapp:send", "phone:call").Tokens(100);
        foreach (var tool in tools)
        {
            await tenant.ConfigureAsync(tool, new { from = "+15550000001", whatsappFrom = "+15550000002" });
        }
        return (tenant, tenant.AddCredential("twilio", LocalPeers.TwilioAuthToken, new() { ["account_sid"] = AccountSid }));
    }

    IEnumerable<TwilioRequest> SentTo(string number) => factory.Peers.Twilio.Where(r => r.Form.GetValueOrDefault("To")?.EndsWith(number) == true);

    [Fact]
    public async Task An_SMS_is_posted_in_Twilio_shape()
    {
        var (tenant, credential) = await TwilioTenantAsync("send_sms");
        var to = "+1555" + Random.Shared.Next(1_000_000, 9_999_999);

        var result = TestTenant.Output(await tenant.InvokeAsync("send_sms", new { to, body = "Your code is 1234" }, credentialId: credential));

        Assert.StartsWith("SM", (string?)result["sid"]);
        var request = Assert.Single(SentTo(to));
        Assert.Equal("Messages.json", request.Resource);
        Assert.Equal(AccountSid, request.AccountSid);
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{AccountSid}:{LocalPeers.TwilioAuthToken}")), request.Authorization);
        Assert.Equal("+15550000001", request.Form["From"]);
        Assert.Equal("Your code is 1234", request.Form["Body"]);
        Assert.Equal(99, factory.Peers.Billing.Available(tenant.TenantId));
    }

    [Fact]
    public async Task A_WhatsApp_message_uses_whatsapp_prefixed_numbers_and_costs_10()
    {
        var (tenant, credential) = await TwilioTenantAsync("send_whatsapp");
        var to = "+1555" + Random.Shared.Next(1_000_000, 9_999_999);

        var result = await tenant.InvokeAsync("send_whatsapp", new { to, body = "Hello" }, credentialId: credential);

        Assert.Equal(10, result.TokensCharged);
        var request = Assert.Single(SentTo(to));
        Assert.Equal($"whatsapp:{to}", request.Form["To"]);
        Assert.Equal("whatsapp:+15550000002", request.Form["From"]);
    }

    [Fact]
    public async Task A_provider_refusal_is_a_readable_failure_and_releases_the_tokens()
    {
        var (tenant, _) = await TwilioTenantAsync("send_sms");
        var wrong = tenant.AddCredential("twilio", "not-the-token", new() { ["account_sid"] = AccountSid });
        var to = "+1555" + Random.Shared.Next(1_000_000, 9_999_999);

        var result = await tenant.InvokeAsync("send_sms", new { to, body = "x" }, credentialId: wrong);

        Assert.Equal("provider_error", result.Error!.Code);
        Assert.Contains("401", result.Error.Message);
        Assert.Equal(100, factory.Peers.Billing.Available(tenant.TenantId));
    }

    [Fact]
    public async Task Credentials_must_be_given_exist_and_be_of_the_right_type()
    {
        var (tenant, _) = await TwilioTenantAsync("send_sms");
        var args = new { to = "+15551234567", body = "x" };
        Assert.Equal("credential_required", (await tenant.InvokeAsync("send_sms", args)).Error!.Code);
        Assert.Equal("credential_not_found", (await tenant.InvokeAsync("send_sms", args, credentialId: Guid.NewGuid())).Error!.Code);
        var tavily = tenant.AddCredential("tavily", "k");
        Assert.Equal("credential_wrong_type", (await tenant.InvokeAsync("send_sms", args, credentialId: tavily)).Error!.Code);
        var someoneElses = tenant.AddCredential("twilio", LocalPeers.TwilioAuthToken, new() { ["account_sid"] = AccountSid }, userId: Guid.NewGuid());
        Assert.Equal("credential_not_found", (await tenant.InvokeAsync("send_sms", args, credentialId: someoneElses)).Error!.Code);
        Assert.Equal(100, factory.Peers.Billing.Available(tenant.TenantId));
        Assert.All(factory.Peers.Billing.HoldsOf(tenant.TenantId), h => Assert.Equal("released", h.State));
    }

    [Fact]
    public async Task A_connector_timeout_fails_readably_and_releases_the_tokens()
    {
        var tenant = new TestTenant(factory).Grant("sms:send").Tokens(5);
        await tenant.ConfigureAsync("send_sms", new { from = "+15550000001", timeoutSeconds = 1 });
        var credential = tenant.AddCredential("twilio", LocalPeers.TwilioAuthToken, new() { ["account_sid"] = AccountSid });
        factory.Peers.TwilioDelay = TimeSpan.FromSeconds(4);
        try
        {
            var result = await tenant.InvokeAsync("send_sms", new { to = "+15559990000", body = "slow" }, credentialId: credential);

            Assert.Equal("timeout", result.Error!.Code);
            Assert.Equal(0, result.TokensCharged);
            Assert.Equal(5, factory.Peers.Billing.Available(tenant.TenantId));
            Assert.Equal("released", Assert.Single(factory.Peers.Billing.HoldsOf(tenant.TenantId)).State);
        }
        finally
        {
            factory.Peers.TwilioDelay = TimeSpan.Zero;
        }
    }
}
