using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dapr.Client.Autogen.Grpc.v1;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AgentCloud.EventBus.Tests.Support;

public sealed record PublishedToDapr(string PubSub, string Topic, string ContentType, string Body, string? TraceParent);

public sealed record DeliveryAttempt(string Topic, string EventId, int Attempt, string Status);

/// <summary>
/// A test-only stand-in for daprd (it is NOT daprd): the parts of the Dapr runtime our code uses, spoken the way the
/// Dapr .NET SDK speaks them, and pub/sub delivery the way daprd's Redis pub/sub delivers.
/// <list type="bullet">
/// <item>Runtime API on gRPC (HTTP/2 without TLS), which is what <c>DaprClient</c> uses for publishing and secrets:
/// <c>PublishEvent</c> (an <c>application/cloudevents+json</c> event is kept as it is, plus <c>topic</c>,
/// <c>pubsubname</c> and the trace context of the publish call, as daprd's <c>FromCloudEvent</c> does) and
/// <c>GetSecret</c> (an empty map when the key is missing; an error when the store is). Every other runtime method
/// answers UNIMPLEMENTED, and every call is recorded in <see cref="RuntimeCalls"/>.</item>
/// <item>Towards the app: reads <c>GET /dapr/subscribe</c> when attached, then POSTs each published event as
/// <c>application/cloudevents+json</c> to its topic's route with a <c>traceparent</c> header (a span of its own in the
/// event's trace). At least once: SUCCESS (or an empty 2xx) ends it; RETRY, an error or a non-2xx answer redelivers it
/// after <see cref="RetryInterval"/>, up to <see cref="MaxAttempts"/> attempts (a constant resiliency retry policy);
/// then, and at once for DROP or 404, it goes to the subscription's dead-letter topic when one is declared.</item>
/// </list>
/// </summary>
public sealed class FakeDaprSidecar : IAsyncDisposable
{
    readonly WebApplication _runtime;
    readonly HttpClient _toApp = new();
    readonly List<(string PubSub, string Topic, string Route, string? DeadLetterTopic)> _subscriptions = [];
    readonly List<(string PubSub, string Topic, JsonObject Event)> _undelivered = [];
    readonly List<Task> _deliveries = [];
    readonly CancellationTokenSource _stopping = new();
    Uri? _app;

    public ConcurrentQueue<PublishedToDapr> Published { get; } = new();

    public ConcurrentQueue<DeliveryAttempt> Deliveries { get; } = new();

    /// <summary>Events moved to a dead-letter topic: (dead-letter topic, the event as it was delivered).</summary>
    public ConcurrentQueue<(string Topic, JsonObject Event)> DeadLettered { get; } = new();

    public ConcurrentQueue<string> RuntimeCalls { get; } = new();

    public Dictionary<string, Dictionary<string, string>> SecretStores { get; } = [];

    public ConcurrentQueue<string> SecretRequests { get; } = new();

    public int MaxAttempts { get; init; } = 3;

    public TimeSpan RetryInterval { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Presented to the app as <c>dapr-api-token</c> (daprd's APP_API_TOKEN).</summary>
    public string? AppApiToken { get; init; }

    /// <summary>For the app's <c>DAPR_GRPC_PORT</c>.</summary>
    public int GrpcPort { get; private set; }

    FakeDaprSidecar()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
        builder.Logging.ClearProviders();
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(this);
        _runtime = builder.Build();
        _runtime.Use((http, next) =>
        {
            RuntimeCalls.Enqueue(http.Request.Path.Value!.TrimStart('/'));
            return next(http);
        });
        _runtime.MapGrpcService<DaprRuntimeApi>();
    }

    public static async Task<FakeDaprSidecar> StartAsync(int maxAttempts = 3, string? appApiToken = null)
    {
        var sidecar = new FakeDaprSidecar { MaxAttempts = maxAttempts, AppApiToken = appApiToken };
        await sidecar._runtime.StartAsync();
        var address = sidecar._runtime.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
            .Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!.Addresses.First();
        sidecar.GrpcPort = new Uri(address).Port;
        return sidecar;
    }

    /// <summary>What daprd does once the app's port answers: loads its subscriptions, then delivers (what waited, too).</summary>
    public async Task AttachAppAsync(Uri app)
    {
        _app = app;
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(app, "dapr/subscribe"));
        AddAppToken(request);
        using var response = await _toApp.SendAsync(request);
        response.EnsureSuccessStatusCode();
        foreach (var subscription in (await response.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray())
        {
            // daprd reads these case-insensitively; the SDK writes camelCase.
            string? Field(string name) => subscription.EnumerateObject()
                .FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)).Value is { ValueKind: JsonValueKind.String } v ? v.GetString() : null;
            lock (_subscriptions)
            {
                _subscriptions.Add((Field("pubsubname")!, Field("topic")!, Field("route")!, Field("deadLetterTopic")));
            }
        }
        List<(string, string, JsonObject)> waiting;
        lock (_undelivered)
        {
            waiting = [.. _undelivered];
            _undelivered.Clear();
        }
        foreach (var (pubsub, topic, cloudEvent) in waiting)
        {
            Route(pubsub, topic, cloudEvent);
        }
    }

    /// <summary>Waits until every delivery started so far has ended (succeeded, dropped or dead-lettered).</summary>
    public async Task IdleAsync()
    {
        while (true)
        {
            Task[] running;
            lock (_deliveries)
            {
                running = [.. _deliveries.Where(d => !d.IsCompleted)];
            }
            if (running.Length == 0)
            {
                return;
            }
            await Task.WhenAll(running);
        }
    }

    internal void Accept(PublishEventRequest request, string? callTraceParent)
    {
        var body = request.Data.ToStringUtf8();
        Published.Enqueue(new PublishedToDapr(request.PubsubName, request.Topic, request.DataContentType, body, callTraceParent));
        if (request.DataContentType != "application/cloudevents+json")
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "this stand-in only takes CloudEvents (our transport sends nothing else)"));
        }
        var cloudEvent = JsonNode.Parse(body)!.AsObject();
        // daprd sets the trace fields to its own span of the publish call (a child of the caller's context).
        var daprSpan = ChildOf(callTraceParent);
        cloudEvent["traceid"] = daprSpan;
        cloudEvent["traceparent"] = daprSpan;
        cloudEvent["tracestate"] = "";
        cloudEvent["topic"] = request.Topic;
        cloudEvent["pubsubname"] = request.PubsubName;
        Route(request.PubsubName, request.Topic, Sorted(cloudEvent));
    }

    internal GetSecretResponse Secret(GetSecretRequest request)
    {
        SecretRequests.Enqueue($"{request.StoreName}/{request.Key}");
        if (!SecretStores.TryGetValue(request.StoreName, out var secrets))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"failed finding secret store with key {request.StoreName}"));
        }
        var response = new GetSecretResponse();
        if (secrets.TryGetValue(request.Key, out var value))
        {
            response.Data.Add(request.Key, value);
        }
        return response;
    }

    void Route(string pubsub, string topic, JsonObject cloudEvent)
    {
        if (_app is null)
        {
            lock (_undelivered)
            {
                _undelivered.Add((pubsub, topic, cloudEvent));
            }
            return;
        }
        List<(string PubSub, string Topic, string Route, string? DeadLetterTopic)> matching;
        lock (_subscriptions)
        {
            matching = [.. _subscriptions.Where(s => s.PubSub == pubsub && s.Topic == topic)];
        }
        foreach (var subscription in matching)
        {
            lock (_deliveries)
            {
                _deliveries.Add(Task.Run(() => DeliverAsync(subscription.Route, subscription.DeadLetterTopic, pubsub, topic, cloudEvent)));
            }
        }
    }

    async Task DeliverAsync(string route, string? deadLetterTopic, string pubsub, string topic, JsonObject cloudEvent)
    {
        var eventId = cloudEvent["id"]?.GetValue<string>() ?? "";
        for (var attempt = 1; !_stopping.IsCancellationRequested; attempt++)
        {
            var status = await PostAsync(route, cloudEvent);
            Deliveries.Enqueue(new DeliveryAttempt(topic, eventId, attempt, status));
            if (status == "SUCCESS")
            {
                return;
            }
            if (status is "DROP" or "404" || attempt >= MaxAttempts)
            {
                if (deadLetterTopic is not null)
                {
                    DeadLettered.Enqueue((deadLetterTopic, cloudEvent));
                    var moved = cloudEvent.DeepClone().AsObject();
                    moved["topic"] = deadLetterTopic;
                    Route(pubsub, deadLetterTopic, moved);
                }
                return;
            }
            await Task.Delay(RetryInterval);
        }
    }

    /// <summary>One delivery: SUCCESS, RETRY, DROP, the status code of a non-2xx answer, or "error".</summary>
    async Task<string> PostAsync(string route, JsonObject cloudEvent)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_app!, route.TrimStart('/')))
        {
            Content = new StringContent(cloudEvent.ToJsonString(), Encoding.UTF8, "application/cloudevents+json"),
        };
        request.Headers.TryAddWithoutValidation("traceparent", ChildOf(cloudEvent["traceparent"]?.GetValue<string>()));
        AddAppToken(request);
        try
        {
            using var response = await _toApp.SendAsync(request, _stopping.Token);
            if (!response.IsSuccessStatusCode)
            {
                return ((int)response.StatusCode).ToString();
            }
            var body = await response.Content.ReadAsStringAsync();
            return body.Length == 0 ? "SUCCESS" : JsonDocument.Parse(body).RootElement.GetProperty("status").GetString()!.ToUpperInvariant();
        }
        catch (Exception e) when (e is HttpRequestException or JsonException or OperationCanceledException)
        {
            return "error";
        }
    }

    void AddAppToken(HttpRequestMessage request)
    {
        if (AppApiToken is not null)
        {
            request.Headers.Add("dapr-api-token", AppApiToken);
        }
    }

    /// <summary>A new span in the trace of <paramref name="traceParent"/> (a new trace when there is none).</summary>
    static string ChildOf(string? traceParent) =>
        ActivityContext.TryParse(traceParent, null, out var parent)
            ? $"00-{parent.TraceId}-{ActivitySpanId.CreateRandom()}-01"
            : $"00-{ActivityTraceId.CreateRandom()}-{ActivitySpanId.CreateRandom()}-01";

    /// <summary>daprd holds the event as a Go map, so what it sends has its keys in sorted order.</summary>
    static JsonObject Sorted(JsonObject cloudEvent) =>
        new(cloudEvent.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, p.Value?.DeepClone())));

    /// <summary>
    /// Delivers a body straight to the route the app declared for the topic, as daprd would (no platform token;
    /// <c>dapr-api-token</c> when given), and returns the app's status.
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
            .Single(s => s.GetProperty("pubsubName").GetString() == pubsub && s.GetProperty("topic").GetString() == topic)
            .GetProperty("route").GetString();
        using var content = new StringContent(body, Encoding.UTF8, "application/cloudevents+json");
        using var response = await app.PostAsync(route, content);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString()!;
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await IdleAsync();
        _toApp.Dispose();
        await _runtime.DisposeAsync();
    }
}

/// <summary>
/// The runtime's gRPC service <c>dapr.proto.runtime.v1.Dapr</c>, bound by hand: Dapr.Client ships the messages and a
/// client stub but no server base class. Grpc.AspNetCore calls the public virtual methods named like the gRPC methods
/// (it looks for methods declared, virtual, on the type that carries the binding attribute).
/// </summary>
[BindServiceMethod(typeof(DaprRuntimeApi), nameof(BindService))]
public class DaprRuntimeApi(FakeDaprSidecar sidecar)
{
    const string Service = "dapr.proto.runtime.v1.Dapr";

    static Marshaller<T> For<T>(MessageParser<T> parser) where T : IMessage<T> => Marshallers.Create(m => m.ToByteArray(), parser.ParseFrom);

    static readonly Method<PublishEventRequest, Empty> PublishMethod =
        new(MethodType.Unary, Service, "PublishEvent", For(PublishEventRequest.Parser), For(Empty.Parser));

    static readonly Method<GetSecretRequest, GetSecretResponse> SecretMethod =
        new(MethodType.Unary, Service, "GetSecret", For(GetSecretRequest.Parser), For(GetSecretResponse.Parser));

    public static void BindService(ServiceBinderBase binder, DaprRuntimeApi? api)
    {
        binder.AddMethod(PublishMethod, api is null ? null : api.PublishEvent);
        binder.AddMethod(SecretMethod, api is null ? null : api.GetSecret);
    }

    public virtual Task<Empty> PublishEvent(PublishEventRequest request, ServerCallContext context)
    {
        sidecar.Accept(request, context.RequestHeaders.GetValue("traceparent"));
        return Task.FromResult(new Empty());
    }

    public virtual Task<GetSecretResponse> GetSecret(GetSecretRequest request, ServerCallContext context) => Task.FromResult(sidecar.Secret(request));
}
