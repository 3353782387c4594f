using System.Text;
using Xunit;

namespace AgentCloud.ToolGateway.FunctionalTests;

[Collection(GatewayCollection.Name)]
public sealed class HttpRequestTests(ToolGatewayFactory factory)
{
    async Task<TestTenant> HttpTenantAsync(object? configuration = null)
    {
        var tenant = new TestTenant(factory).Grant("http:request").Tokens(50);
        await tenant.ConfigureAsync("http_request", configuration);
        return tenant;
    }

    string Target(string path, string host = "127.0.0.1") => $"http://{host}:{new Uri(factory.Peers.BaseUrl).Port}/target/{path}";

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("localhost")]
    [InlineData("[::1]")]
    [InlineData("[::ffff:127.0.0.1]")]
    public async Task Loopback_targets_are_refused_without_an_allow_list(string host)
    {
        var tenant = await HttpTenantAsync();
        var marker = Guid.NewGuid().ToString("N");

        var result = await tenant.InvokeAsync("http_request", new { method = "GET", url = Target(marker, host) });

        Assert.Equal("target_refused", result.Error!.Code);
        Assert.DoesNotContain(factory.Peers.Targets, t => t.Path == marker);
        Assert.Equal(50, factory.Peers.Billing.Available(tenant.TenantId));
    }

    [Theory]
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    [InlineData("http://10.0.0.1/")]
    [InlineData("http://192.168.0.1/")]
    [InlineData("http://100.64.0.1/")]
    [InlineData("http://[fd00::1]/")]
    [InlineData("http://0.0.0.0/")]
    public async Task Private_link_local_and_metadata_targets_are_refused(string url)
    {
        var tenant = await HttpTenantAsync();
        var result = await tenant.InvokeAsync("http_request", new { method = "GET", url });
        Assert.Equal("target_refused", result.Error!.Code);
    }

    [Fact]
    public async Task An_allow_listed_network_is_reached_with_bearer_auth_from_a_credential()
    {
        var tenant = await HttpTenantAsync(new { allowedNetworks = new[] { "127.0.0.0/8" } });
        var credential = tenant.AddCredential("http", "bearer-SECRET-token-4411", new() { ["auth"] = "bearer" });
        var marker = Guid.NewGuid().ToString("N");

        var output = TestTenant.Output(await tenant.InvokeAsync("http_request",
            new { method = "POST", url = Target(marker), headers = new Dictionary<string, string> { ["X-Trace"] = "t1", ["Content-Type"] = "application/json" }, body = """{"a":1}""" },
            credentialId: credential));

        Assert.Equal(200, (int)output["status"]!);
        Assert.Contains("\"method\":\"POST\"", (string?)output["body"]);
        var seen = Assert.Single(factory.Peers.Targets, t => t.Path == marker);
        Assert.Equal("Bearer bearer-SECRET-token-4411", seen.Headers["Authorization"]);
        Assert.Equal("t1", seen.Headers["X-Trace"]);
        Assert.Equal("application/json", seen.Headers["Content-Type"]);
        Assert.Equal("""{"a":1}""", seen.Body);
        Assert.Equal(49, factory.Peers.Billing.Available(tenant.TenantId));
    }

    [Fact]
    public async Task Basic_and_custom_header_credentials_are_applied()
    {
        var tenant = await HttpTenantAsync(new { allowedNetworks = new[] { "127.0.0.1/32" } });
        var basic = tenant.AddCredential("http", "pa55", new() { ["auth"] = "basic", ["username"] = "ann" });
        var header = tenant.AddCredential("http", "key-123", new() { ["auth"] = "header", ["header"] = "X-Api-Key" });
        var (one, two) = (Guid.NewGuid().ToString("N"), Guid.NewGuid().ToString("N"));

        TestTenant.Output(await tenant.InvokeAsync("http_request", new { method = "GET", url = Target(one) }, credentialId: basic));
        TestTenant.Output(await tenant.InvokeAsync("http_request", new { method = "GET", url = Target(two) }, credentialId: header));

        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("ann:pa55")), factory.Peers.Targets.Single(t => t.Path == one).Headers["Authorization"]);
        Assert.Equal("key-123", factory.Peers.Targets.Single(t => t.Path == two).Headers["X-Api-Key"]);
    }

    [Fact]
    public async Task Large_responses_are_cut_and_slow_ones_time_out()
    {
        var tenant = await HttpTenantAsync(new { allowedNetworks = new[] { "127.0.0.0/8" }, maxResponseBytes = 1000, timeoutSeconds = 1 });

        var big = TestTenant.Output(await tenant.InvokeAsync("http_request", new { method = "GET", url = Target("big") }));
        Assert.True((bool)big["truncated"]!);
        Assert.Equal(1000, ((string)big["body"]!).Length);

        var slow = await tenant.InvokeAsync("http_request", new { method = "GET", url = Target("slow") });
        Assert.Equal("timeout", slow.Error!.Code);
    }

    [Fact]
    public async Task One_tenants_allow_list_does_not_open_the_network_for_another()
    {
        var open = await HttpTenantAsync(new { allowedNetworks = new[] { "127.0.0.0/8" } });
        var closed = await HttpTenantAsync();
        TestTenant.Output(await open.InvokeAsync("http_request", new { method = "GET", url = Target("warm") }));

        var result = await closed.InvokeAsync("http_request", new { method = "GET", url = Target("warm") });

        Assert.Equal("target_refused", result.Error!.Code);
    }
}
