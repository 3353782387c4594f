using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AgentCloud.EventBus.Tests.Support;

public sealed record PublishedToDapr(string PubSub, string Topic, string ContentType, string Body);

/// <summary>
/// The parts of daprd's HTTP API the app uses, as the Dapr docs describe them: publish (204), secrets (200 with
/// <c>{ name: value }</c>, 204 when missing), and, acting as the sidecar towards the app, reading
/// <c>GET /dapr/subscribe</c> and POSTing CloudEvents to the declared routes.
/// </summary>
public sealed class FakeDaprSidecar : IAsyncDisposable
{
    readonly WebApplication _app;

    public ConcurrentQueue<PublishedToDapr> Published { get; } = new();

    public Dictionary<string, Dictionary<string, string>> SecretStores { get; } = [];

    public ConcurrentQueue<string> SecretRequests { get; } = new();

    public int Port { get; private set; }

    FakeDaprSidecar()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.MapPost("/v1.0/publish/{pubsub}/{topic}", async (string pubsub, string topic, HttpRequest request) =>
        {
            using var reader = new StreamReader(request.Body, Encoding.UTF8);
            Published.Enqueue(new PublishedToDapr(pubsub, topic, request.ContentType ?? "", await reader.ReadToEndAsync()));
            return Results.NoContent();
        });
        _app.MapGet("/v1.0/secrets/{store}/{key}", (string store, string key) =>
        {
            SecretRequests.Enqueue($"{store}/{key}");
            if (!SecretStores.TryGetValue(store, out var secrets))
            {
                return Results.Problem("secret store not found", statusCode: 500);
            }
            return secrets.TryGetValue(key, out var value)
                ? Results.Json(new Dictionary<string, string> { [key] = value })
                : Results.NoContent();
        });
    }

    public static async Task<FakeDaprSidecar> StartAsync()
    {
        var sidecar = new FakeDaprSidecar();
        await sidecar._app.StartAsync();
        var address = sidecar._app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        sidecar.Port = new Uri(address).Port;
        return sidecar;
    }

    /// <summary>
    /// Delivers a body the way daprd does: without a platform token (with <c>dapr-api-token</c> when given), to the route
    /// the app declared for the topic; returns the app's status.
    /// </summary>
    public static async Task<string> DeliverAsync(HttpClient appClient, string pubsub, string topic, string body, string? apiToken = null)
    {
        using var app = new HttpClient { BaseAddress = appClient.BaseAddress };
        if (apiToken is not null)
        {
            app.DefaultRequestHeaders.Add("dapr-api-token", apiToken);
        }
        var subscriptions = await app.GetFromJsonAsync<JsonElement>("/dapr/subscribe");
        var route = subscriptions.EnumerateArray()
            .Single(s => s.GetProperty("pubsubname").GetString() == pubsub && s.GetProperty("topic").GetString() == topic)
            .GetProperty("route").GetString();
        using var content = new StringContent(body, Encoding.UTF8, "application/cloudevents+json");
        using var response = await app.PostAsync(route, content);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString()!;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
