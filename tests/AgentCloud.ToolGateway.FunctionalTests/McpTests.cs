using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AgentCloud.ServiceDefaults.Auth;
using AgentCloud.Testing;
using AgentCloud.ToolGateway.FunctionalTests.Peers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Xunit;

namespace AgentCloud.ToolGateway.FunctionalTests;

/// <summary>
/// The gateway on a real Kestrel port (node must reach it), over its own fresh database, with stand-ins for billing and
/// credentials (<see cref="LocalPeers"/>). No agents service: permission lookups fail and are reported as such, which
/// the tests use.
/// </summary>
public class KestrelGatewayFactory : ServiceFactory<Program>
{
    public KestrelGatewayFactory() : base("toolsdb")
    {
        UseKestrel(0);
    }

    public Uri Address { get; private set; } = null!;

    public LocalPeers Peers { get; private set; } = null!;

    public const string AgentsAddress = "http://127.0.0.1:9";

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Peers = await LocalPeers.StartAsync();
        WithSetting("services:agents:http:0", AgentsAddress);
        WithSetting("services:billing:http:0", Peers.BaseUrl);
        WithSetting("services:credentials:http:0", Peers.BaseUrl);
        WithSetting("Auth:ServiceName", "tool-gateway");
        StartServer();
        Address = ClientOptions.BaseAddress;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.AddLocalServiceTokenIssuer());
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (Peers is not null) await Peers.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}

/// <summary>A second gateway on its own port: the external MCP server a tenant of the first one registers.</summary>
public sealed class RemoteGatewayFactory : KestrelGatewayFactory;

public sealed class McpTests(KestrelGatewayFactory factory, RemoteGatewayFactory remote)
    : IClassFixture<KestrelGatewayFactory>, IClassFixture<RemoteGatewayFactory>
{
    [Fact]
    public async Task The_official_MCP_client_lists_and_calls_tools_through_the_same_pipeline()
    {
        var tenant = Guid.NewGuid();
        var remoteTenant = Guid.NewGuid();
        factory.Peers.Billing.SetBalance(tenant, 10);
        await RegisterAsync(tenant, "ext", remote.Address, TestTokens.User(remoteTenant), tokenCost: 2);
        var callId = "mcp-" + Guid.NewGuid().ToString("N");
        var root = JsonDocument.Parse(await RunClientAsync(TestTokens.User(tenant), callId)).RootElement;

        Assert.Equal("agentcloud-tool-gateway", root.GetProperty("server").GetProperty("name").GetString());
        var tools = root.GetProperty("tools").EnumerateArray().ToDictionary(t => t.GetProperty("name").GetString()!);
        Assert.Contains("current_time", tools.Keys);
        Assert.DoesNotContain("send_email", tools.Keys); // disabled for this tenant
        Assert.Equal("object", tools["date_add"].GetProperty("inputSchema").GetProperty("type").GetString());
        Assert.Equal(0, tools["current_time"].GetProperty("_meta").GetProperty("agentcloud/tokenCost").GetInt64());
        // The registered server's tools are listed with their own schema and this tenant's price (mcp_tool 1 × 2).
        Assert.Equal("object", tools["ext__date_add"].GetProperty("inputSchema").GetProperty("type").GetString());
        Assert.Equal(2, tools["ext__current_time"].GetProperty("_meta").GetProperty("agentcloud/tokenCost").GetInt64());
        Assert.EndsWith("Costs 2 tokens per call.", tools["ext__current_time"].GetProperty("description").GetString());
        Assert.DoesNotContain(tools.Keys, key => key.StartsWith("ext__ext__", StringComparison.Ordinal)); // relayed once, no further

        var first = root.GetProperty("first");
        Assert.False(first.TryGetProperty("isError", out var firstError) && firstError.GetBoolean());
        Assert.Equal("succeeded", first.GetProperty("structuredContent").GetProperty("status").GetString());
        Assert.Equal("UTC", first.GetProperty("structuredContent").GetProperty("output").GetProperty("timezone").GetString());
        var again = root.GetProperty("again").GetProperty("structuredContent");
        Assert.True(again.GetProperty("replayed").GetBoolean()); // same _meta.toolCallId = same call
        Assert.Equal(first.GetProperty("structuredContent").GetProperty("invocationId").GetString(), again.GetProperty("invocationId").GetString());

        var invalid = root.GetProperty("invalid");
        Assert.True(invalid.GetProperty("isError").GetBoolean());
        Assert.Equal("invalid_arguments", invalid.GetProperty("structuredContent").GetProperty("error").GetProperty("code").GetString());
        Assert.Equal("$.date", invalid.GetProperty("structuredContent").GetProperty("error").GetProperty("problems")[0].GetProperty("path").GetString());
        var denied = root.GetProperty("denied");
        Assert.True(denied.GetProperty("isError").GetBoolean());
        Assert.Equal("permissions_unavailable", denied.GetProperty("structuredContent").GetProperty("error").GetProperty("code").GetString());

        // The external tool ran on the remote server through our pipeline: charged here, at this tenant's price.
        var external = root.GetProperty("external").GetProperty("structuredContent");
        Assert.Equal("succeeded", external.GetProperty("status").GetString());
        Assert.Equal(2, external.GetProperty("tokensCharged").GetInt64());
        var remoteResult = external.GetProperty("output").GetProperty("structured");
        Assert.Equal("UTC", remoteResult.GetProperty("output").GetProperty("timezone").GetString());
        Assert.Equal(8, factory.Peers.Billing.Available(tenant));
        // Its schema is applied here, before anything is sent or charged.
        var externalInvalid = root.GetProperty("externalInvalid").GetProperty("structuredContent").GetProperty("error");
        Assert.Equal("invalid_arguments", externalInvalid.GetProperty("code").GetString());
        Assert.Equal("$.date", externalInvalid.GetProperty("problems")[0].GetProperty("path").GetString());
        using var remoteAdmin = new HttpClient { BaseAddress = remote.Address }.WithToken(TestTokens.Admin(remoteTenant));
        var remoteAudit = await remoteAdmin.GetFromJsonAsync<JsonElement>("/tool-invocations");
        Assert.Equal("current_time", Assert.Single(remoteAudit.EnumerateArray()).GetProperty("toolKey").GetString());

        // Unauthenticated: what the SDK's OAuth support reads (MCP authorization, RFC 9728).
        var anonymous = root.GetProperty("anonymous");
        Assert.Equal(401, anonymous.GetProperty("status").GetInt32());
        var metadataUrl = new Uri(factory.Address, "/.well-known/oauth-protected-resource").ToString();
        Assert.Equal($"Bearer resource_metadata=\"{metadataUrl}\"", anonymous.GetProperty("wwwAuthenticate").GetString());
        Assert.Equal(metadataUrl, anonymous.GetProperty("resourceMetadataUrl").GetString());
        var metadata = anonymous.GetProperty("metadata");
        Assert.Equal(new Uri(factory.Address, "/mcp").ToString(), metadata.GetProperty("resource").GetString());
        Assert.Equal(KestrelGatewayFactory.AgentsAddress, Assert.Single(metadata.GetProperty("authorization_servers").EnumerateArray()).GetString());
        Assert.Equal(new Uri(factory.Address, "/mcp").ToString(), anonymous.GetProperty("resource").GetString());
        Assert.Equal(401, anonymous.GetProperty("unauthenticated").GetProperty("code").GetInt32());

        // The calls were audited for the token's tenant, as MCP calls of that user.
        using var admin = new HttpClient { BaseAddress = factory.Address }.WithToken(TestTokens.Admin(tenant));
        var audit = await admin.GetStringAsync("/tool-invocations");
        Assert.Contains(callId, audit);
        Assert.Contains("mcp-user:", audit);
        Assert.Contains("ext__current_time", audit);
    }

    [Fact]
    public async Task MCP_needs_a_user_token()
    {
        using var http = new HttpClient { BaseAddress = factory.Address };
        using var anonymous = await http.PostAsync("/mcp", new StringContent("""{"jsonrpc":"2.0","id":1,"method":"tools/list"}""", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        var challenge = Assert.Single(anonymous.Headers.WwwAuthenticate);
        Assert.Equal("Bearer", challenge.Scheme);
        Assert.Equal($"resource_metadata=\"{new Uri(factory.Address, "/.well-known/oauth-protected-resource")}\"", challenge.Parameter);
        var metadata = await http.GetFromJsonAsync<JsonElement>("/.well-known/oauth-protected-resource");
        Assert.Equal(new Uri(factory.Address, "/mcp").ToString(), metadata.GetProperty("resource").GetString());
        http.WithToken("not-a-token");
        using var forged = await http.PostAsync("/mcp", new StringContent("""{"jsonrpc":"2.0","id":1,"method":"tools/list"}""", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
        http.WithToken(TestTokens.Service("agents"));
        using var service = await http.PostAsync("/mcp", new StringContent("""{"jsonrpc":"2.0","id":1,"method":"tools/list"}""", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Forbidden, service.StatusCode);
        http.WithToken(TestTokens.User(Guid.NewGuid()));
        using var unacceptable = await http.PostAsync("/mcp", new StringContent("{", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.NotAcceptable, unacceptable.StatusCode); // Streamable HTTP: clients accept JSON and SSE
        http.DefaultRequestHeaders.Accept.ParseAdd("application/json");
        http.DefaultRequestHeaders.Accept.ParseAdd("text/event-stream");
        using var garbage = await http.PostAsync("/mcp", new StringContent("{", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, garbage.StatusCode);
        using var stream = await http.GetAsync("/mcp"); // stateless: no server-initiated stream, no session to end
        Assert.Equal(HttpStatusCode.MethodNotAllowed, stream.StatusCode);
    }

    [Fact]
    public async Task A_gateway_registered_as_its_own_MCP_server_relays_once_not_in_a_loop()
    {
        var tenant = Guid.NewGuid();
        await RegisterAsync(tenant, "self", factory.Address, TestTokens.User(tenant), tokenCost: 0);
        using var user = new HttpClient { BaseAddress = factory.Address }.WithToken(TestTokens.User(tenant));

        var keys = (await user.GetFromJsonAsync<JsonElement>("/tools")).EnumerateArray().Select(t => t.GetProperty("key").GetString()!).ToList();
        Assert.Contains("self__current_time", keys);
        Assert.DoesNotContain(keys, key => key.StartsWith("self__self__", StringComparison.Ordinal));
        using var invoked = await user.PostAsJsonAsync("/tools/self__current_time/invoke",
            new { toolCallId = TestTenant.NewCallId(), arguments = new { timezone = "UTC" } });
        var result = await invoked.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("succeeded", result.GetProperty("status").GetString());
    }

    async Task RegisterAsync(Guid tenant, string ns, Uri server, string remoteToken, long tokenCost)
    {
        var credential = Guid.NewGuid();
        factory.Peers.Credentials[(tenant, credential)] = new StoredCredential("mcp", remoteToken, []);
        using var admin = new HttpClient { BaseAddress = factory.Address }.WithToken(TestTokens.Admin(tenant));
        using var registered = await admin.PostAsJsonAsync("/mcp-servers", new
        {
            @namespace = ns, url = new Uri(server, "/mcp").ToString(), credentialId = credential, allowedNetworks = new[] { "127.0.0.0/8" }, tokenCost,
        });
        Assert.True(registered.StatusCode == HttpStatusCode.Created, await registered.Content.ReadAsStringAsync());
    }

    Task<string> RunClientAsync(string token, string callId) =>
        NpmPackages.RunNodeAsync(NpmPackages.McpSdk, McpClientScript.Source, new Dictionary<string, string>
        {
            ["MCP_URL"] = new Uri(factory.Address, "/mcp").ToString(),
            ["MCP_TOKEN"] = token,
            ["MCP_CALL_ID"] = callId,
        });
}
