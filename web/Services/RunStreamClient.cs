using System.Net.Http.Headers;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using AgentCloud.Web.Session;

namespace AgentCloud.Web.Services;

/// <summary>One Server-Sent Event of a run: <c>step</c>, <c>token</c> or <c>status</c>.</summary>
public sealed record RunEvent(string? Id, string Type, JsonElement Data);

/// <summary>
/// <c>GET http://agents/runs/{id}/stream</c> as the signed-in user. The agents service ends the stream after the run's
/// final status; a reader that lost the connection resumes with the last event id and misses no step.
/// </summary>
public sealed class RunStreamClient(HttpClient http, CurrentUser user)
{
    public async IAsyncEnumerable<RunEvent> ReadAsync(Guid runId, string? lastEventId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/runs/{runId}/stream");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await user.AccessTokenAsync(cancellationToken));
        request.Headers.Accept.Add(new("text/event-stream"));
        if (lastEventId is not null)
        {
            request.Headers.Add("Last-Event-ID", lastEventId);
        }
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw await ServiceProblem.FromAsync(response, cancellationToken);
        }
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        await foreach (var item in SseParser.Create(body, (_, data) => JsonSerializer.Deserialize<JsonElement>(data)).EnumerateAsync(cancellationToken))
        {
            yield return new RunEvent(item.EventId, item.EventType, item.Data);
        }
    }
}
