using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AgentCloud.Testing;
using Xunit;

namespace AgentCloud.ToolGateway.FunctionalTests;

/// <summary>Another gateway on a real port plays the external MCP server a tenant registers.</summary>
[Collection(GatewayCollection.Name)]
public sealed class ExternalMcpServerTests(ToolGatewayFactory factory, KestrelGatewayFactory remote) : IClassFixture<KestrelGatewayFactory>
{
    async Task<(TestTenant Tenant, Guid RemoteTenant, JsonElement Server)> RegisterAsync(string[]? allowedNetworks, long tokenCost = 2)
    {
        var tenant = new TestTenant(factory).Tokens(10);
        var remoteTenant = Guid.NewGuid();
        var credential = tenant.AddCredential("mcp", TestTokens.User(remoteTenant));
        using var response = await tenant.Admin.PostAsJsonAsync("/mcp-servers", new
        {
            @namespace = "ext", url = new Uri(remote.Address, "/mcp").ToString(), credentialId = credential, allowedNetworks, tokenCost,
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (tenant, remoteTenant, await response.Content.ReadFromJsonAsync<JsonElement>());
    }

    [Fact]
    public async Task A_registered_servers_tools_join_the_catalog_and_run_through_the_pipeline()
    {
        var (tenant, remoteTenant, _) = await RegisterAsync(["127.0.0.0/8"]);

        var keys = (await tenant.User.GetFromJsonAsync<JsonElement>("/tools")).EnumerateArray().Select(t => t.GetProperty("key").GetString()).ToList();
        Assert.Contains("ext__current_time", keys);
        Assert.Contains("current_time", keys);
        var described = await tenant.User.GetFromJsonAsync<JsonElement>("/tools/ext__date_add");
        Assert.Equal("external", described.GetProperty("category").GetString());
        Assert.Equal(2, described.GetProperty("tokenCost").GetInt64());

        var result = await tenant.InvokeAsync("ext__current_time", new { timezone = "UTC" });
        var output = TestTenant.Output(result);
        Assert.Equal("succeeded", (string?)output["structured"]!["status"]);
        Assert.Equal("UTC", (string?)output["structured"]!["output"]!["timezone"]);
        Assert.Equal(2, result.TokensCharged);
        Assert.Equal(8, factory.Peers.Billing.Available(tenant.TenantId));

        // Validated here against the remote schema, before anything is sent or charged.
        var invalid = await tenant.InvokeAsync("ext__date_add", new { date = "soon", amount = 1, unit = "days" });
        Assert.Equal("invalid_arguments", invalid.Error!.Code);
        Assert.Equal(8, factory.Peers.Billing.Available(tenant.TenantId));

        // The remote gateway audited exactly the one call, for the tenant of the registered credential.
        using var remoteAdmin = new HttpClient { BaseAddress = remote.Address }.WithToken(TestTokens.Admin(remoteTenant));
        var audit = await remoteAdmin.GetFromJsonAsync<JsonElement>("/tool-invocations");
        Assert.Equal("current_time", Assert.Single(audit.EnumerateArray()).GetProperty("toolKey").GetString());
    }

    [Fact]
    public async Task A_server_on_a_private_address_needs_its_allow_list()
    {
        var (tenant, _, _) = await RegisterAsync(allowedNetworks: null);
        var keys = (await tenant.User.GetFromJsonAsync<JsonElement>("/tools")).EnumerateArray().Select(t => t.GetProperty("key").GetString());
        Assert.DoesNotContain("ext__current_time", keys);
        using var invoke = await tenant.InvokeRawAsync("ext__current_time", new { }, TestTenant.NewCallId());
        Assert.Equal(HttpStatusCode.NotFound, invoke.StatusCode);
    }

    [Fact]
    public async Task Registrations_are_checked_and_tenant_isolated()
    {
        var (tenant, _, server) = await RegisterAsync(["127.0.0.0/8"]);
        var other = new TestTenant(factory);
        using var duplicate = await tenant.Admin.PostAsJsonAsync("/mcp-servers", new { @namespace = "ext", url = "https://mcp.example.com/mcp" });
        Assert.Equal(HttpStatusCode.Conflict, duplicate.StatusCode);
        using var bad = await tenant.Admin.PostAsJsonAsync("/mcp-servers", new { @namespace = "Bad NS", url = "ftp://x", allowedNetworks = new[] { "x" } });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        using var member = await tenant.User.PostAsJsonAsync("/mcp-servers", new { @namespace = "m", url = "https://mcp.example.com/mcp" });
        Assert.Equal(HttpStatusCode.Forbidden, member.StatusCode);

        var id = server.GetProperty("id").GetGuid();
        await TenantIsolation.AssertTenantIsolatedAsync(tenant.Admin, other.Admin, $"/mcp-servers/{id}", canDelete: true, listUrl: "/mcp-servers");
        using var deleted = await tenant.Admin.DeleteAsync($"/mcp-servers/{id}");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        var keys = (await tenant.User.GetFromJsonAsync<JsonElement>("/tools")).EnumerateArray().Select(t => t.GetProperty("key").GetString());
        Assert.DoesNotContain("ext__current_time", keys);
    }
}
