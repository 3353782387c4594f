using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using AgentCloud.ToolGateway.Clients;
using AgentCloud.ToolGateway.Registry;

namespace AgentCloud.ToolGateway.Connectors;

/// <summary>
/// Generic HTTP request, SSRF-safe (<see cref="SafeHttp"/>), with optional credential auth: credential meta
/// <c>auth</c> = <c>bearer</c> (secret is the token), <c>basic</c> (meta <c>username</c>, secret the password) or
/// <c>header</c> (meta <c>header</c> names it, secret is its value). Responses are cut at <c>maxResponseBytes</c>
/// (tenant configuration, default 256 KiB) and flagged <c>truncated</c>.
/// </summary>
public sealed class HttpRequestConnector : IToolConnector, IDisposable
{
    const int DefaultMaxResponseBytes = 256 * 1024;
    static readonly string[] Methods = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"];
    static readonly HashSet<string> ReservedHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Host", "Content-Length", "Transfer-Encoding", "Connection", "Proxy-Authorization",
    };

    readonly HttpClient _strict = new(SafeHttp.CreateHandler(NetworkPolicy.Strict)) { Timeout = Timeout.InfiniteTimeSpan };

    public IReadOnlyList<ActionDefinition> Definitions { get; } =
    [
        new("http_request", ActionCategory.External, "HTTP request", "Sends an HTTP request to a public URL and returns status, headers and body.",
            ["http:request"], 1, DecisionLevel.Consultation,
            Schemas.Object(new()
            {
                ["method"] = Schemas.String("HTTP method", oneOf: Methods),
                ["url"] = Schemas.String("absolute http(s) URL", maxLength: 2048, format: "uri", pattern: "^https?://"),
                ["headers"] = Schemas.StringMap("request headers"),
                ["body"] = Schemas.String("request body", maxLength: 1_000_000),
            }, "method", "url"),
            TimeSpan.FromSeconds(15), CredentialType: "http", CredentialOptional: true, CostOperation: "http_request", EnabledByDefault: false),
    ];

    public async Task<ToolOutcome> ExecuteAsync(ToolContext context, CancellationToken cancellationToken)
    {
        var policy = NetworkPolicy.FromConfiguration(context.Configuration);
        // A tenant with an allow-list gets its own handler: pooled connections to allowed private hosts must never be
        // reused for another tenant's call.
        using var perTenant = policy.HasAllowList ? new HttpClient(SafeHttp.CreateHandler(policy)) { Timeout = Timeout.InfiniteTimeSpan } : null;
        var http = perTenant ?? _strict;

        using var request = new HttpRequestMessage(new HttpMethod(context.Argument("method")!), context.Argument("url"));
        if (context.Argument("body") is { } body)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = null;
        }
        if (context.Arguments.TryGetProperty("headers", out var headers))
        {
            foreach (var header in headers.EnumerateObject().Where(h => !ReservedHeaders.Contains(h.Name)))
            {
                if (!request.Headers.TryAddWithoutValidation(header.Name, header.Value.GetString()))
                {
                    request.Content ??= new ByteArrayContent([]);
                    request.Content.Headers.TryAddWithoutValidation(header.Name, header.Value.GetString());
                }
            }
        }
        if (context.Credential is { } credential && ApplyCredential(request, credential) is { } problem)
        {
            return problem;
        }

        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            var limit = context.Configuration["maxResponseBytes"]?.GetValue<int>() ?? DefaultMaxResponseBytes;
            var (content, truncated) = await ReadLimitedAsync(response, limit, cancellationToken);
            return ToolOutcome.Ok(new JsonObject
            {
                ["status"] = (int)response.StatusCode,
                ["headers"] = new JsonObject(response.Headers.Concat(response.Content.Headers)
                    .Where(h => !h.Key.Equals("Set-Cookie", StringComparison.OrdinalIgnoreCase))
                    .Select(h => KeyValuePair.Create(h.Key, (JsonNode?)string.Join(", ", h.Value)))),
                ["body"] = content,
                ["truncated"] = truncated,
            });
        }
        catch (HttpRequestException e) when (e.InnerException is NetworkRefusedException refused)
        {
            return ToolOutcome.Fail("target_refused", refused.Message + " Ask a tenant admin to allow-list the network if this is intended.");
        }
        catch (HttpRequestException e)
        {
            return ToolOutcome.Fail("request_failed", $"The request failed: {e.HttpRequestError}.");
        }
    }

    static ToolOutcome? ApplyCredential(HttpRequestMessage request, ResolvedCredential credential)
    {
        switch (credential.Meta("auth") ?? "bearer")
        {
            case "bearer":
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", credential.Secret);
                return null;
            case "basic":
                var pair = Encoding.UTF8.GetBytes($"{credential.Meta("username")}:{credential.Secret}");
                request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(pair));
                return null;
            case "header" when credential.Meta("header") is { Length: > 0 } name && !ReservedHeaders.Contains(name):
                request.Headers.Remove(name);
                request.Headers.TryAddWithoutValidation(name, credential.Secret);
                return null;
            default:
                return ToolOutcome.Fail("credential_unusable", "The credential's auth meta must be bearer, basic, or header with a header name.");
        }
    }

    static async Task<(string Content, bool Truncated)> ReadLimitedAsync(HttpResponseMessage response, int limit, CancellationToken cancellationToken)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[limit + 1];
        var read = 0;
        int n;
        while (read < buffer.Length && (n = await stream.ReadAsync(buffer.AsMemory(read), cancellationToken)) > 0)
        {
            read += n;
        }
        var truncated = read > limit;
        return (Encoding.UTF8.GetString(buffer, 0, Math.Min(read, limit)), truncated);
    }

    public void Dispose() => _strict.Dispose();
}
