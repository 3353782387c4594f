using AgentCloud.ToolGateway.FunctionalTests.Peers;
using Npgsql;
using Xunit;

namespace AgentCloud.ToolGateway.FunctionalTests;

[Collection(GatewayCollection.Name)]
public sealed class WebSearchAndSecretsTests(ToolGatewayFactory factory)
{
    [Fact]
    public async Task Web_search_posts_Tavily_shaped_requests_with_the_credentials_key()
    {
        var tenant = new TestTenant(factory).Grant("web:search").Tokens(5);
        await tenant.ConfigureAsync("web_search");
        var credential = tenant.AddCredential("tavily", LocalPeers.TavilyApiKey);
        var query = "agentcloud " + Guid.NewGuid().ToString("N");

        var output = TestTenant.Output(await tenant.InvokeAsync("web_search", new { query, max_results = 3 }, credentialId: credential));

        Assert.Equal("AgentCloud is a platform.", (string?)output["answer"]);
        Assert.Equal("https://example.com/agentcloud", (string?)output["results"]![0]!["url"]);
        var sent = factory.Peers.Searches.Single(s => (string?)s["query"] == query);
        Assert.Equal(LocalPeers.TavilyApiKey, (string?)sent["api_key"]);
        Assert.Equal(3, (int)sent["max_results"]!);
        Assert.Equal(4, factory.Peers.Billing.Available(tenant.TenantId));

        var noKey = await tenant.InvokeAsync("web_search", new { query });
        Assert.Equal("credential_required", noKey.Error!.Code);
    }

    [Fact]
    public async Task Secrets_never_reach_the_audit_trail_events_logs_or_spans()
    {
        // Exercise every secret-bearing path first (search, SMS, bearer HTTP, SMTP login, a failing provider).
        var tenant = new TestTenant(factory).Grant("web:search", "sms:send", "http:request", "email:send").Tokens(100);
        await tenant.ConfigureAsync("web_search");
        await tenant.ConfigureAsync("send_sms", new { from = "+15550000001" });
        await tenant.ConfigureAsync("http_request", new { allowedNetworks = new[] { "127.0.0.0/8" } });
        await tenant.ConfigureAsync("send_email", new { host = "127.0.0.1", port = factory.Smtp.Port, from = "a@agentcloud.test", allowedNetworks = new[] { "127.0.0.0/8" } });
        const string bearer = "bearer-SECRET-zz-9931";
        await tenant.InvokeAsync("web_search", new { query = "x" }, credentialId: tenant.AddCredential("tavily", LocalPeers.TavilyApiKey));
        await tenant.InvokeAsync("send_sms", new { to = "+15551112222", body = "x" },
            credentialId: tenant.AddCredential("twilio", LocalPeers.TwilioAuthToken, new() { ["account_sid"] = "AC1" }));
        await tenant.InvokeAsync("http_request", new { method = "GET", url = $"{factory.Peers.BaseUrl}/target/s" },
            credentialId: tenant.AddCredential("http", bearer));
        await tenant.InvokeAsync("send_email", new { to = "b@example.com", subject = "s", body = "b" },
            credentialId: tenant.AddCredential("smtp", SmtpPeer.Password, new() { ["username"] = SmtpPeer.Username }));
        await tenant.InvokeAsync("send_email", new { to = "b@example.com", subject = "s", body = "b" },
            credentialId: tenant.AddCredential("smtp", "wrong-SECRET-pw-5520", new() { ["username"] = SmtpPeer.Username }));

        string[] secrets = [LocalPeers.TavilyApiKey, LocalPeers.TwilioAuthToken, bearer, SmtpPeer.Password, "wrong-SECRET-pw-5520"];
        await using var connection = new NpgsqlConnection(factory.DatabaseConnectionString);
        await connection.OpenAsync();
        await using var dump = new NpgsqlCommand("""
            SELECT coalesce(string_agg(t::text, E'\n'), '') FROM tool_invocations t WHERE tenant_id = @tenant
            UNION ALL SELECT coalesce(string_agg(o::text, E'\n'), '') FROM event_bus_outbox o
            UNION ALL SELECT coalesce(string_agg(configuration::text, E'\n'), '') FROM tenant_tool_settings
            """, connection);
        dump.Parameters.AddWithValue("tenant", tenant.TenantId);
        var stored = new List<string>();
        await using (var reader = await dump.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync()) stored.Add(reader.GetString(0));
        }
        Assert.Contains(tenant.TenantId.ToString(), stored[0]); // the dump did find the rows
        var logs = string.Join("\n", factory.Logs);
        var spans = string.Join("\n", factory.SpanTexts);
        Assert.Contains("tool.connector", spans);
        foreach (var secret in secrets)
        {
            Assert.All(stored, text => Assert.DoesNotContain(secret, text));
            Assert.DoesNotContain(secret, logs);
            Assert.DoesNotContain(secret, spans);
        }
    }
}
