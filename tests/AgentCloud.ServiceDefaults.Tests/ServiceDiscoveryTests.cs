using AgentCloud.ServiceDefaults.Discovery;
using Microsoft.Extensions.Configuration;
using Xunit;

namespace AgentCloud.ServiceDefaults.Tests;

public sealed class ServiceDiscoveryTests
{
    readonly ServiceEndpointResolver _resolver = new(new ConfigurationBuilder()
        .AddInMemoryCollection(new Dictionary<string, string?> { ["services:billing:http:0"] = "http://127.0.0.1:5105" })
        .Build());

    [Fact]
    public void A_logical_name_resolves_to_its_configured_address_keeping_path_and_query() =>
        Assert.Equal("http://127.0.0.1:5105/tokens/balance/x?locationId=y",
            _resolver.Resolve(new Uri("http://billing/tokens/balance/x?locationId=y"))!.ToString());

    [Theory]
    [InlineData("http://agents/health")]
    [InlineData("http://billing.example.com/health")]
    [InlineData("http://billing:8080/health")]
    [InlineData("http://10.0.0.1/health")]
    public void Unknown_names_real_hosts_and_explicit_ports_are_left_alone(string uri) =>
        Assert.Null(_resolver.Resolve(new Uri(uri)));
}
