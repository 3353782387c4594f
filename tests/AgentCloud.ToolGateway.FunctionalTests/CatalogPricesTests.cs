using System.Net.Http.Json;
using System.Text.Json;
using AgentCloud.ToolGateway.FunctionalTests.Peers;
using ModelContextProtocol.Client;
using Xunit;

namespace AgentCloud.ToolGateway.FunctionalTests;

/// <summary>Issue 13 item 3: the catalog shows what billing will charge this tenant, on every surface.</summary>
[Collection(GatewayCollection.Name)]
public sealed class CatalogPricesTests(ToolGatewayFactory factory)
{
    [Fact]
    public async Task Every_surface_of_the_catalog_shows_the_tenants_price_and_that_is_what_a_call_costs()
    {
        var tenant = new TestTenant(factory).Grant("sms:send").Tokens(10);
        factory.Peers.Billing.SetPrice(tenant.TenantId, "sms", 2);
        await tenant.ConfigureAsync("send_sms", new { from = "+15550000001" });
        var other = new TestTenant(factory);
        await other.ConfigureAsync("send_sms", new { from = "+15550000001" });

        // REST: one tool, and the list.
        Assert.Equal(2, (await tenant.User.GetFromJsonAsync<JsonElement>("/tools/send_sms")).GetProperty("tokenCost").GetInt64());
        var listed = (await tenant.User.GetFromJsonAsync<JsonElement>("/tools")).EnumerateArray().Single(t => t.GetProperty("key").GetString() == "send_sms");
        Assert.Equal(2, listed.GetProperty("tokenCost").GetInt64());
        // The OpenAI-shaped list (what a model reads): the price is in the description.
        var openAi = (await tenant.Agents.GetFromJsonAsync<JsonElement>($"/tools?tenantId={tenant.TenantId}&format=openai")).EnumerateArray()
            .Single(t => t.GetProperty("function").GetProperty("name").GetString() == "send_sms");
        Assert.Equal("Sends a text message to a phone number. Costs 2 tokens per call.", openAi.GetProperty("function").GetProperty("description").GetString());
        // MCP tools/list.
        await using var mcp = await McpClient.CreateAsync(new HttpClientTransport(
            new HttpClientTransportOptions { Endpoint = new Uri(factory.Server.BaseAddress, "/mcp"), TransportMode = HttpTransportMode.StreamableHttp },
            tenant.User, ownsHttpClient: true));
        var sms = (await mcp.ListToolsAsync()).Single(t => t.Name == "send_sms").ProtocolTool;
        Assert.Equal(2, (long?)sms.Meta?["agentcloud/tokenCost"]);
        Assert.EndsWith("Costs 2 tokens per call.", sms.Description);

        // Another tenant sees billing's default.
        Assert.Equal(1, (await other.User.GetFromJsonAsync<JsonElement>("/tools/send_sms")).GetProperty("tokenCost").GetInt64());

        // And the shown price is what the call is charged.
        var credential = tenant.AddCredential("twilio", LocalPeers.TwilioAuthToken, new() { ["account_sid"] = "AC0123456789abcdef0123456789abcdef" });
        var sent = await tenant.InvokeAsync("send_sms", new { to = "+15551234567", body = "hi" }, credentialId: credential);
        Assert.Equal(2, sent.TokensCharged);
        Assert.Equal(8, factory.Peers.Billing.Available(tenant.TenantId));
    }

    [Fact]
    public async Task A_refusal_billing_blames_on_the_monthly_fee_says_so()
    {
        var tenant = new TestTenant(factory).Grant("sms:send").Tokens(0);
        factory.Peers.Billing.FeesTaken[tenant.TenantId] = 200;
        await tenant.ConfigureAsync("send_sms", new { from = "+15550000001" });
        var credential = tenant.AddCredential("twilio", LocalPeers.TwilioAuthToken, new() { ["account_sid"] = "AC0123456789abcdef0123456789abcdef" });

        var refused = await tenant.InvokeAsync("send_sms", new { to = "+15557654322", body = "hi" }, credentialId: credential);

        Assert.Equal("insufficient_tokens", refused.Error!.Code);
        Assert.EndsWith($"This month's fee of 200 token(s) ({DateTime.UtcNow:yyyy-MM}) took them.", refused.Error.Message);
    }

    [Fact]
    public async Task A_call_the_tenant_cannot_pay_is_refused_quoting_the_tenants_price()
    {
        var tenant = new TestTenant(factory).Grant("sms:send").Tokens(2);
        factory.Peers.Billing.SetPrice(tenant.TenantId, "sms", 3);
        await tenant.ConfigureAsync("send_sms", new { from = "+15550000001" });
        var credential = tenant.AddCredential("twilio", LocalPeers.TwilioAuthToken, new() { ["account_sid"] = "AC0123456789abcdef0123456789abcdef" });

        var refused = await tenant.InvokeAsync("send_sms", new { to = "+15557654321", body = "hi" }, credentialId: credential);

        Assert.Equal(("failed", "insufficient_tokens", 0L), (refused.Status, refused.Error!.Code, refused.TokensCharged));
        Assert.Contains("the 3 token(s) 'send_sms' costs (2 available)", refused.Error.Message);
        Assert.DoesNotContain("fee", refused.Error.Message);
        Assert.DoesNotContain(factory.Peers.Twilio, r => r.Form.GetValueOrDefault("To") == "+15557654321");
        Assert.Equal(2, factory.Peers.Billing.Available(tenant.TenantId));
    }

    [Fact]
    public async Task Prices_are_asked_of_billing_once_per_tenant_while_fresh()
    {
        var tenant = new TestTenant(factory);
        for (var i = 0; i < 3; i++)
        {
            await tenant.User.GetFromJsonAsync<JsonElement>("/tools");
            await tenant.User.GetFromJsonAsync<JsonElement>("/tools/send_sms");
        }
        Assert.Equal(1, factory.Peers.Billing.CostLookups.Count(t => t == tenant.TenantId));
    }
}
