using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Xunit;

namespace AgentCloud.ServiceDefaults.Tests;

/// <summary>The default HttpClient pipeline (discovery + resilience) against a real flaky server.</summary>
public sealed class ResilienceTests
{
    [Fact]
    public async Task An_idempotent_request_is_retried_past_transient_failures()
    {
        var calls = 0;
        await using var flaky = await LoopbackServer.StartAsync(app =>
            app.MapGet("/thing", () => Interlocked.Increment(ref calls) <= 2 ? Results.StatusCode(503) : Results.Ok("fine")));
        var http = ClientFor(flaky.Address);

        using var response = await http.GetAsync("http://flaky/thing");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3, calls);
    }

    [Fact]
    public async Task A_non_idempotent_request_is_sent_once()
    {
        var calls = 0;
        await using var flaky = await LoopbackServer.StartAsync(app =>
            app.MapPost("/thing", () => { Interlocked.Increment(ref calls); return Results.StatusCode(503); }));
        var http = ClientFor(flaky.Address);

        using var response = await http.PostAsync("http://flaky/thing", new StringContent("{}"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(1, calls);
    }

    static HttpClient ClientFor(Uri address) => DefaultHttpClients.Create(new() { ["services:flaky:http:0"] = address.ToString() });
}
