using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace AgentCloud.Triggers.FunctionalTests.Peers;

/// <summary>
/// One local Kestrel for the triggers service's peers over real HTTP: the credentials stand-in, a Gmail mailbox and
/// HubSpot CRM speaking those APIs' shapes, and <c>/feeds/{name}</c>, JSON documents for http_poll.
/// </summary>
public sealed class LocalPeers : IAsyncDisposable
{
    readonly WebApplication _app;

    LocalPeers(WebApplication app) => _app = app;

    public string BaseUrl { get; private set; } = "";

    public StandInCredentials Credentials { get; } = new();

    public FakeGmail Gmail { get; } = new();

    public FakeHubSpot HubSpot { get; } = new();

    /// <summary>The document each feed answers; a feed set to a number answers that status instead.</summary>
    public ConcurrentDictionary<string, object> Feeds { get; } = new();

    /// <summary>Every feed request: (feed, Authorization header).</summary>
    public ConcurrentQueue<(string Feed, string Authorization)> FeedRequests { get; } = new();

    public static async Task<LocalPeers> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var peers = new LocalPeers(builder.Build());
        peers.Credentials.Map(peers._app);
        peers.Gmail.Map(peers._app);
        peers.HubSpot.Map(peers._app);
        peers._app.MapGet("/feeds/{name}", (string name, HttpContext http) =>
        {
            peers.FeedRequests.Enqueue((name, http.Request.Headers.Authorization.ToString()));
            return peers.Feeds.TryGetValue(name, out var feed)
                ? feed is int status ? Results.StatusCode(status) : Results.Text(JsonSerializer.Serialize(feed), "application/json")
                : Results.NotFound();
        });
        await peers._app.StartAsync();
        peers.BaseUrl = peers._app.Urls.First();
        return peers;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
