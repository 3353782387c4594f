using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AgentCloud.Testing;
using AgentCloud.ToolGateway.FunctionalTests.Peers;
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

    const string EchoTool = """
        {"name":"echo","description":"Echoes a message to an address.","inputSchema":{
          "type":"object","$defs":{"address":{"type":"string","format":"email"}},
          "properties":{"to":{"$ref":"#/$defs/address"},"mode":{"oneOf":[{"const":"plain"},{"const":"loud"}]}},
          "required":["to"],"additionalProperties":false}}
        """;

    const string BrokenTool = """{"name":"broken","inputSchema":{"type":"object","properties":{"a":{"$ref":"#/$defs/nowhere"}}}}""";

    async Task<HttpResponseMessage> RegisterTypeScriptServerAsync(TestTenant tenant, string ns, Uri url) =>
        await tenant.Admin.PostAsJsonAsync("/mcp-servers", new { @namespace = ns, url = url.ToString(), allowedNetworks = new[] { "127.0.0.0/8" } });

    [Fact]
    public async Task A_TypeScript_SDK_servers_tools_are_checked_against_their_whole_schema_before_anything_is_sent()
    {
        await using var server = await TypeScriptMcpServer.StartAsync($"[{EchoTool}]");
        var tenant = new TestTenant(factory).Tokens(10);
        using var registered = await RegisterTypeScriptServerAsync(tenant, "ts", server.Url);
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);

        var described = await tenant.User.GetFromJsonAsync<JsonElement>("/tools/ts__echo");
        Assert.Equal("#/$defs/address", described.GetProperty("tool").GetProperty("function").GetProperty("parameters")
            .GetProperty("properties").GetProperty("to").GetProperty("$ref").GetString());

        var sent = TestTenant.Output(await tenant.InvokeAsync("ts__echo", new { to = "ann@example.com", mode = "loud" }));
        Assert.Equal("ann@example.com", (string?)sent["structured"]!["echoed"]!["to"]);

        var refused = await tenant.InvokeAsync("ts__echo", new { to = "ann at example", mode = "quiet", extra = 1 });
        Assert.Equal("invalid_arguments", refused.Error!.Code);
        var problems = refused.Error.Problems!.ToDictionary(p => p.Path, p => p.Message);
        Assert.Equal("must be a valid email", problems["$.to"]); // through the $ref
        Assert.Contains("oneOf", problems["$.mode"]);
        Assert.Equal("is not an allowed property", problems["$.extra"]);
        Assert.Equal("echo", Assert.Single(server.Calls).Tool);
    }

    [Fact]
    public async Task A_tool_with_an_unusable_schema_refuses_the_registration_and_is_left_out_when_it_appears_later()
    {
        await using var server = await TypeScriptMcpServer.StartAsync($"[{EchoTool},{BrokenTool}]");
        var tenant = new TestTenant(factory);

        using var refused = await RegisterTypeScriptServerAsync(tenant, "ts", server.Url);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("#/$defs/nowhere", problem.GetProperty("errors").GetProperty("tools.broken.inputSchema")[0].GetString());
        Assert.Empty(await tenant.Admin.GetFromJsonAsync<JsonElement[]>("/mcp-servers") ?? []);

        server.SetTools($"[{EchoTool}]");
        using var registered = await RegisterTypeScriptServerAsync(tenant, "ts", server.Url);
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        server.SetTools($"[{EchoTool},{BrokenTool}]");

        var keys = (await tenant.User.GetFromJsonAsync<JsonElement>("/tools")).EnumerateArray().Select(t => t.GetProperty("key").GetString()).ToList();
        Assert.Contains("ts__echo", keys);
        Assert.DoesNotContain("ts__broken", keys);
        using var invoke = await tenant.InvokeRawAsync("ts__broken", new { a = 1 }, TestTenant.NewCallId());
        Assert.Equal(HttpStatusCode.NotFound, invoke.StatusCode);
        Assert.Contains(factory.Logs, line => line.Contains("broken") && line.Contains("#/$defs/nowhere"));
        Assert.Empty(server.Calls);
    }
}
