using AgentCloud.ToolGateway.FunctionalTests.Peers;
using Xunit;

namespace AgentCloud.ToolGateway.FunctionalTests;

[Collection(GatewayCollection.Name)]
public sealed class ApprovalTests(ToolGatewayFactory factory)
{
    const string AccountSid = "AC11112222333344445555666677778888";

    async Task<(TestTenant Tenant, Guid Credential)> CallerTenantAsync()
    {
        var tenant = new TestTenant(factory).Grant("phone:call", "todos:write").Tokens(200);
        await tenant.ConfigureAsync("make_phone_call", new { from = "+15550000009" });
        return (tenant, tenant.AddCredential("twilio", LocalPeers.TwilioAuthToken, new() { ["account_sid"] = AccountSid }));
    }

    static object Call(string to) => new { to, message = "Your table is ready." };

    int CallsTo(string to) => factory.Peers.Twilio.Count(r => r.Resource == "Calls.json" && r.Form.GetValueOrDefault("To") == to);

    [Fact]
    public async Task A_valid_grant_for_exactly_this_call_lets_it_run()
    {
        var (tenant, credential) = await CallerTenantAsync();
        var to = "+1555" + Random.Shared.Next(1_000_000, 9_999_999);
        var callId = TestTenant.NewCallId();
        var grant = TestGrants.Sign(tenant.TenantId, "make_phone_call", callId, Call(to));

        var result = TestTenant.Output(await tenant.InvokeAsync("make_phone_call", Call(to), callId, credential, grant));

        Assert.StartsWith("CA", (string?)result["sid"]);
        Assert.Equal(1, CallsTo(to));
        var twiml = factory.Peers.Twilio.Single(r => r.Form.GetValueOrDefault("To") == to).Form["Twiml"];
        Assert.Equal("<Response><Say>Your table is ready.</Say></Response>", twiml);
        Assert.Equal(150, factory.Peers.Billing.Available(tenant.TenantId));
    }

    [Fact]
    public async Task Missing_forged_expired_or_misdirected_grants_are_refused_and_nothing_is_called_or_charged()
    {
        var (tenant, credential) = await CallerTenantAsync();
        var to = "+1555" + Random.Shared.Next(1_000_000, 9_999_999);
        var attempts = new Dictionary<string, Func<string, string?>>
        {
            ["missing"] = _ => null,
            ["garbage"] = _ => "not-a-token",
            ["forged (other key)"] = id => TestGrants.Sign(tenant.TenantId, "make_phone_call", id, Call(to), platformKey: TestGrants.OtherKey),
            ["an access token"] = _ => AgentCloud.Testing.TestTokens.Service("agents"),
            ["expired"] = id => TestGrants.Sign(tenant.TenantId, "make_phone_call", id, Call(to), issuedAt: DateTimeOffset.UtcNow.AddMinutes(-10)),
            ["too long-lived"] = id => TestGrants.Sign(tenant.TenantId, "make_phone_call", id, Call(to), lifetime: TimeSpan.FromDays(1)),
            ["another call"] = _ => TestGrants.Sign(tenant.TenantId, "make_phone_call", TestTenant.NewCallId(), Call(to)),
            ["another tenant"] = id => TestGrants.Sign(Guid.NewGuid(), "make_phone_call", id, Call(to)),
            ["other arguments"] = id => TestGrants.Sign(tenant.TenantId, "make_phone_call", id, Call("+15550000000")),
            ["another tool"] = id => TestGrants.Sign(tenant.TenantId, "send_sms", id, Call(to)),
            ["another issuer"] = id => TestGrants.Sign(tenant.TenantId, "make_phone_call", id, Call(to), issuer: "web"),
        };
        foreach (var (name, grantFor) in attempts)
        {
            var callId = TestTenant.NewCallId();
            var result = await tenant.InvokeAsync("make_phone_call", Call(to), callId, credential, grantFor(callId));
            Assert.True(result.Error?.Code == "approval_required", $"{name}: {result.Status} {result.Error?.Code}");
        }
        Assert.Equal(0, CallsTo(to));
        Assert.Equal(200, factory.Peers.Billing.Available(tenant.TenantId));
        Assert.Empty(factory.Peers.Billing.HoldsOf(tenant.TenantId));
    }

    [Fact]
    public async Task A_grant_is_not_reusable_for_another_call_even_with_the_same_arguments()
    {
        var (tenant, credential) = await CallerTenantAsync();
        var to = "+1555" + Random.Shared.Next(1_000_000, 9_999_999);
        var firstId = TestTenant.NewCallId();
        var grant = TestGrants.Sign(tenant.TenantId, "make_phone_call", firstId, Call(to));
        Assert.Equal("succeeded", (await tenant.InvokeAsync("make_phone_call", Call(to), firstId, credential, grant)).Status);

        var reuse = await tenant.InvokeAsync("make_phone_call", Call(to), TestTenant.NewCallId(), credential, grant);

        Assert.Equal("approval_required", reuse.Error!.Code);
        Assert.Equal(1, CallsTo(to));
    }

    [Fact]
    public async Task A_tenant_can_require_approval_for_any_tool()
    {
        var (tenant, _) = await CallerTenantAsync();
        await tenant.ConfigureAsync("add_todo", requireApproval: true);
        var callId = TestTenant.NewCallId();
        Assert.Equal("approval_required", (await tenant.InvokeAsync("add_todo", new { title = "x" })).Error!.Code);
        var grant = TestGrants.Sign(tenant.TenantId, "add_todo", callId, new { title = "x" });
        Assert.Equal("succeeded", (await tenant.InvokeAsync("add_todo", new { title = "x" }, callId, grant: grant)).Status);
    }
}
