using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using AgentCloud.Web.Session;

namespace AgentCloud.Web.Services;

/// <summary>A service refused or failed a request: its ProblemDetails in words a page can show.</summary>
public sealed class ServiceProblem(HttpStatusCode status, string message, IReadOnlyDictionary<string, string[]> errors) : Exception(message)
{
    public HttpStatusCode Status { get; } = status;

    /// <summary>Validation errors by field (a ValidationProblem's <c>errors</c>), empty otherwise.</summary>
    public IReadOnlyDictionary<string, string[]> Errors { get; } = errors;

    public static async Task<ServiceProblem> FromAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        string? detail = null;
        try
        {
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
            detail = problem.TryGetProperty("detail", out var d) ? d.GetString() : problem.TryGetProperty("title", out var t) ? t.GetString() : null;
            if (problem.TryGetProperty("errors", out var fields) && fields.ValueKind == JsonValueKind.Object)
            {
                foreach (var field in fields.EnumerateObject())
                {
                    errors[field.Name] = [.. field.Value.EnumerateArray().Select(e => e.GetString() ?? "")];
                }
            }
        }
        catch (Exception e) when (e is JsonException or NotSupportedException)
        {
            // not ProblemDetails: the status says enough
        }
        return new(response.StatusCode, detail ?? Describe(response.StatusCode), errors);
    }

    static string Describe(HttpStatusCode status) => status switch
    {
        HttpStatusCode.NotFound => "It no longer exists, or you cannot see it.",
        HttpStatusCode.Forbidden => "You are not allowed to do that.",
        HttpStatusCode.TooManyRequests => "Too many attempts; wait a moment and try again.",
        >= HttpStatusCode.InternalServerError => "The service could not answer. Try again in a moment.",
        _ => "The request was refused.",
    };
}

/// <summary>Calls a service as the signed-in user: every request carries the user's access token from the server-side session.</summary>
public abstract class ServiceClient(HttpClient http, CurrentUser user)
{
    protected HttpClient Http => http;

    protected CurrentUser User => user;

    protected async Task<T> GetAsync<T>(string url, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Get, url, null, cancellationToken);
        return (await response.Content.ReadFromJsonAsync<T>(JsonSerializerOptions.Web, cancellationToken))!;
    }

    protected async Task<T> SendAsync<T>(HttpMethod method, string url, object? body, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(method, url, body, cancellationToken);
        return (await response.Content.ReadFromJsonAsync<T>(JsonSerializerOptions.Web, cancellationToken))!;
    }

    /// <summary>The successful response (the caller disposes it), or a <see cref="ServiceProblem"/>.</summary>
    protected async Task<HttpResponseMessage> SendAsync(HttpMethod method, string url, object? body, CancellationToken cancellationToken,
        Action<HttpRequestMessage>? configure = null)
    {
        using var request = new HttpRequestMessage(method, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await user.AccessTokenAsync(cancellationToken));
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, options: JsonSerializerOptions.Web);
        }
        configure?.Invoke(request);
        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            return response;
        }
        using (response)
        {
            throw response.StatusCode == HttpStatusCode.Unauthorized ? new SessionEndedException() : await ServiceProblem.FromAsync(response, cancellationToken);
        }
    }
}
