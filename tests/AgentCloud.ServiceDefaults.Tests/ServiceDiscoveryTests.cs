using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Xunit;

namespace AgentCloud.ServiceDefaults.Tests;

/// <summary>Aspire's configuration-based discovery through the default HttpClient pipeline, against a real server.</summary>
public sealed class ServiceDiscoveryTests
{
    static Task<LoopbackServer> EchoServerAsync() =>
        LoopbackServer.StartAsync(app => app.MapGet("/{**path}", (HttpRequest request) => $"{request.Path}{request.QueryString}"));

    [Fact]
    public async Task A_logical_name_resolves_to_its_configured_address_keeping_path_and_query()
    {
        await using var billing = await EchoServerAsync();
        var http = DefaultHttpClients.Create(new() { ["services:billing:http:0"] = billing.Address.ToString() });

        Assert.Equal("/tokens/balance/x?locationId=y", await http.GetStringAsync("http://billing/tokens/balance/x?locationId=y"));
    }

    [Fact]
    public async Task An_address_is_used_as_it_is()
    {
        await using var server = await EchoServerAsync();
        var http = DefaultHttpClients.Create(new() { ["services:billing:http:0"] = "http://127.0.0.1:9" });

        Assert.Equal("/health", await http.GetStringAsync(new Uri(server.Address, "/health")));
    }
}
