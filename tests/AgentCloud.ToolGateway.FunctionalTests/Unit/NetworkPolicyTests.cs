using System.Net;
using System.Text.Json.Nodes;
using AgentCloud.ServiceDefaults.Http;
using Xunit;

namespace AgentCloud.ToolGateway.FunctionalTests.Unit;

public sealed class NetworkPolicyTests
{
    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.200.3.4")]
    [InlineData("10.1.2.3")]
    [InlineData("172.16.0.1")]
    [InlineData("172.31.255.255")]
    [InlineData("192.168.1.1")]
    [InlineData("100.64.0.1")]
    [InlineData("100.127.255.254")]
    [InlineData("169.254.169.254")]
    [InlineData("0.0.0.0")]
    [InlineData("224.0.0.1")]
    [InlineData("255.255.255.255")]
    [InlineData("::1")]
    [InlineData("::")]
    [InlineData("fd00:ec2::254")]
    [InlineData("fc00::1")]
    [InlineData("fe80::1")]
    [InlineData("::ffff:127.0.0.1")]
    [InlineData("::ffff:169.254.169.254")]
    [InlineData("64:ff9b::a9fe:a9fe")]
    public void Internal_addresses_are_refused(string address) =>
        Assert.False(NetworkPolicy.Strict.Permits(IPAddress.Parse(address)));

    [Theory]
    [InlineData("93.184.216.34")]
    [InlineData("8.8.8.8")]
    [InlineData("172.32.0.1")]
    [InlineData("100.128.0.1")]
    [InlineData("2606:4700:4700::1111")]
    [InlineData("::ffff:8.8.8.8")]
    public void Public_addresses_are_permitted(string address) =>
        Assert.True(NetworkPolicy.Strict.Permits(IPAddress.Parse(address)));

    [Fact]
    public void A_tenant_allow_list_opens_only_its_networks()
    {
        var policy = NetworkPolicy.FromConfiguration(JsonNode.Parse("""{"allowedNetworks":["10.20.0.0/16","::1/128"]}""")!.AsObject());
        Assert.True(policy.Permits(IPAddress.Parse("10.20.5.6")));
        Assert.True(policy.Permits(IPAddress.Parse("::1")));
        Assert.False(policy.Permits(IPAddress.Parse("10.21.0.1")));
        Assert.False(policy.Permits(IPAddress.Parse("127.0.0.1")));
        Assert.False(policy.Permits(IPAddress.Parse("169.254.169.254")));
    }

    [Fact]
    public async Task Names_are_judged_by_what_they_resolve_to()
    {
        Assert.Empty(await NetworkPolicy.Strict.ResolvePermittedAsync("localhost", CancellationToken.None));
        Assert.Empty(await NetworkPolicy.Strict.ResolvePermittedAsync("[::1]", CancellationToken.None));
        var allowed = NetworkPolicy.FromConfiguration(JsonNode.Parse("""{"allowedNetworks":["127.0.0.0/8"]}""")!.AsObject());
        Assert.Contains(IPAddress.Loopback, await allowed.ResolvePermittedAsync("localhost", CancellationToken.None));
    }
}
