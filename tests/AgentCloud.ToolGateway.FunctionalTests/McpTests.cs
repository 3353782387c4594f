using System.Diagnostics;
using System.Net;
using System.Text.Json;
using AgentCloud.Testing;
using AgentCloud.ToolGateway.FunctionalTests.Peers;
using Xunit;

namespace AgentCloud.ToolGateway.FunctionalTests;

/// <summary>The gateway on a real Kestrel port (node must reach it), over its own fresh database.</summary>
public sealed class KestrelGatewayFactory : ServiceFactory<Program>
{
    public KestrelGatewayFactory() : base("toolsdb")
    {
        UseKestrel(0);
    }

    public Uri Address { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        // No agents service here: permission lookups fail and are reported as such, which the test uses.
        WithSetting("services:agents:http:0", "http://127.0.0.1:9");
        StartServer();
        Address = ClientOptions.BaseAddress;
    }
}

public sealed class McpTests(KestrelGatewayFactory factory) : IClassFixture<KestrelGatewayFactory>
{
    [Fact]
    public async Task The_official_MCP_client_lists_and_calls_tools_through_the_same_pipeline()
    {
        var tenant = Guid.NewGuid();
        var callId = "mcp-" + Guid.NewGuid().ToString("N");
        var output = await RunClientAsync(TestTokens.User(tenant), callId);
        var root = JsonDocument.Parse(output).RootElement;

        Assert.Equal("agentcloud-tool-gateway", root.GetProperty("server").GetProperty("name").GetString());
        var tools = root.GetProperty("tools").EnumerateArray().ToDictionary(t => t.GetProperty("name").GetString()!);
        Assert.Contains("current_time", tools.Keys);
        Assert.DoesNotContain("send_email", tools.Keys); // disabled for this tenant
        Assert.Equal("object", tools["date_add"].GetProperty("inputSchema").GetProperty("type").GetString());

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

        // The calls were audited for the token's tenant, as MCP calls of that user.
        using var admin = new HttpClient { BaseAddress = factory.Address }.WithToken(TestTokens.Admin(tenant));
        var audit = await admin.GetStringAsync("/tool-invocations");
        Assert.Contains(callId, audit);
        Assert.Contains("mcp-user:", audit);
    }

    [Fact]
    public async Task MCP_needs_a_user_token()
    {
        using var http = new HttpClient { BaseAddress = factory.Address };
        using var anonymous = await http.PostAsync("/mcp", new StringContent("""{"jsonrpc":"2.0","id":1,"method":"tools/list"}""", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        http.WithToken(TestTokens.Service("agents"));
        using var service = await http.PostAsync("/mcp", new StringContent("""{"jsonrpc":"2.0","id":1,"method":"tools/list"}""", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Forbidden, service.StatusCode);
        http.WithToken(TestTokens.User(Guid.NewGuid()));
        using var garbage = await http.PostAsync("/mcp", new StringContent("{", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, garbage.StatusCode);
    }

    async Task<string> RunClientAsync(string token, string callId)
    {
        var folder = await NpmPackages.EnsureAsync("@modelcontextprotocol/sdk@1", "@modelcontextprotocol/sdk");
        var script = Path.Combine(folder, "mcp-client-test.mjs");
        await File.WriteAllTextAsync(script, McpClientScript.Source);
        var start = new ProcessStartInfo("node", [script]) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = folder };
        start.Environment["MCP_URL"] = new Uri(factory.Address, "/mcp").ToString();
        start.Environment["MCP_TOKEN"] = token;
        start.Environment["MCP_CALL_ID"] = callId;
        using var node = Process.Start(start)!;
        var stdout = node.StandardOutput.ReadToEndAsync();
        var stderr = node.StandardError.ReadToEndAsync();
        await node.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(node.ExitCode == 0, $"MCP client failed: {await stderr}");
        return await stdout;
    }
}
