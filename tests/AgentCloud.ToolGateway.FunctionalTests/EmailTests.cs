using AgentCloud.ToolGateway.FunctionalTests.Peers;
using Xunit;

namespace AgentCloud.ToolGateway.FunctionalTests;

[Collection(GatewayCollection.Name)]
public sealed class EmailTests(ToolGatewayFactory factory)
{
    async Task<(TestTenant Tenant, Guid Credential)> MailTenantAsync(long tokens = 10)
    {
        var tenant = new TestTenant(factory).Grant("email:send").Tokens(tokens);
        await tenant.ConfigureAsync("send_email", new { host = "127.0.0.1", port = factory.Smtp.Port, from = "agent@agentcloud.test", allowedNetworks = new[] { "127.0.0.0/8" } });
        var credential = tenant.AddCredential("smtp", SmtpPeer.Password, new() { ["username"] = SmtpPeer.Username });
        return (tenant, credential);
    }

    IEnumerable<ReceivedMail> MailsFor(string callId) => factory.Smtp.Messages.Where(m => m.Data.Contains(callId));

    [Fact]
    public async Task An_email_is_delivered_over_SMTP_paid_for_and_sent_once_per_tool_call()
    {
        var (tenant, credential) = await MailTenantAsync();
        var callId = TestTenant.NewCallId();
        var arguments = new { to = "ann@example.com", subject = "Your booking", body = "See you at 10." };

        var first = await tenant.InvokeAsync("send_email", arguments, callId, credential);
        var retry = await tenant.InvokeAsync("send_email", arguments, callId, credential);

        Assert.Equal("succeeded", first.Status);
        Assert.True(retry.Replayed);
        var mail = Assert.Single(MailsFor(callId));
        Assert.Equal(SmtpPeer.Username, mail.User); // authenticated with the credential
        Assert.Equal("agent@agentcloud.test", mail.From);
        Assert.Equal(["ann@example.com"], mail.To);
        Assert.Contains("Subject: Your booking", mail.Data);
        Assert.Contains("See you at 10.", mail.Data);
        Assert.Equal(1, first.TokensCharged);
        Assert.Equal(9, factory.Peers.Billing.Available(tenant.TenantId));
        Assert.Equal("committed", Assert.Single(factory.Peers.Billing.HoldsOf(tenant.TenantId)).State);
        Assert.Contains(factory.Peers.CredentialPurposes, p => p.Contains(tenant.RunId.ToString()) && p.Contains("send_email"));
    }

    [Fact]
    public async Task Without_tokens_nothing_is_sent_and_nothing_charged()
    {
        var (tenant, credential) = await MailTenantAsync(tokens: 0);
        var callId = TestTenant.NewCallId();

        var result = await tenant.InvokeAsync("send_email", new { to = "ann@example.com", subject = "Hi", body = "Hello" }, callId, credential);

        Assert.Equal("insufficient_tokens", result.Error!.Code);
        Assert.Equal(0, result.TokensCharged);
        Assert.Empty(MailsFor(callId));
        Assert.Empty(factory.Peers.Billing.HoldsOf(tenant.TenantId));
        Assert.DoesNotContain(factory.Peers.CredentialPurposes, p => p.Contains(callId)); // not even the credential was fetched
    }

    [Fact]
    public async Task A_refused_mail_server_login_fails_readably_and_releases_the_tokens()
    {
        var (tenant, _) = await MailTenantAsync();
        var wrong = tenant.AddCredential("smtp", "wrong-password", new() { ["username"] = SmtpPeer.Username });
        var callId = TestTenant.NewCallId();

        var result = await tenant.InvokeAsync("send_email", new { to = "ann@example.com", subject = "Hi", body = "Hello" }, callId, wrong);

        Assert.Equal("failed", result.Status);
        Assert.True(result.Error!.Code is "smtp_error" or "connector_error", result.Error.Code);
        Assert.Empty(MailsFor(callId));
        Assert.Equal(10, factory.Peers.Billing.Available(tenant.TenantId));
        Assert.Equal("released", Assert.Single(factory.Peers.Billing.HoldsOf(tenant.TenantId)).State);
    }

    [Fact]
    public async Task A_mail_server_on_a_private_address_needs_the_tenant_allow_list()
    {
        var tenant = new TestTenant(factory).Grant("email:send").Tokens(10);
        await tenant.ConfigureAsync("send_email", new { host = "localhost", port = factory.Smtp.Port, from = "agent@agentcloud.test" });
        var callId = TestTenant.NewCallId();

        var result = await tenant.InvokeAsync("send_email", new { to = "ann@example.com", subject = "Hi", body = "Hello" }, callId);

        Assert.Equal("target_refused", result.Error!.Code);
        Assert.Empty(MailsFor(callId));
        Assert.Equal(10, factory.Peers.Billing.Available(tenant.TenantId));
    }
}
