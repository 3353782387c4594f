using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace AgentCloud.Triggers.FunctionalTests.Peers;

/// <summary>
/// A mailbox behind the Gmail REST API's shapes (users.getProfile, users.history.list, users.messages.list,
/// users.messages.get with format=metadata), with Google's bearer auth: only <see cref="AccessToken"/> is accepted.
/// </summary>
public sealed class FakeGmail
{
    public sealed record Message(string Id, string ThreadId, string[] Labels, string From, string Subject, long HistoryId);

    readonly ConcurrentQueue<Message> _messages = new();
    long _historyId = 1000;

    public string AccessToken { get; set; } = "gmail-access-token";

    /// <summary>A history.list from before this id answers 404, as Gmail does for history it no longer keeps.</summary>
    public long ForgottenBefore { get; set; }

    /// <summary>Every request, as "{method} {path}{query}".</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    public Message Deliver(string subject, params string[] labels)
    {
        var message = new Message(Guid.NewGuid().ToString("N")[..16], Guid.NewGuid().ToString("N")[..16], labels, "sender@example.com", subject,
            Interlocked.Increment(ref _historyId));
        _messages.Enqueue(message);
        return message;
    }

    public void Map(WebApplication app)
    {
        var api = app.MapGroup("/gmail/v1/users/me").AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            Requests.Enqueue($"{http.Request.Method} {http.Request.Path}{http.Request.QueryString}");
            return http.Request.Headers.Authorization.ToString() == $"Bearer {AccessToken}"
                ? await next(context)
                : Results.Json(new { error = new { code = 401, message = "Request had invalid authentication credentials.", status = "UNAUTHENTICATED" } }, statusCode: 401);
        });
        api.MapGet("/profile", () => Results.Json(new
        {
            emailAddress = "mailbox@example.com", messagesTotal = _messages.Count, threadsTotal = _messages.Count,
            historyId = Interlocked.Read(ref _historyId).ToString(),
        }));
        api.MapGet("/history", (long startHistoryId) =>
        {
            if (startHistoryId < ForgottenBefore)
            {
                return Results.Json(new { error = new { code = 404, message = "Requested entity was not found.", status = "NOT_FOUND" } }, statusCode: 404);
            }
            var added = _messages.Where(m => m.HistoryId > startHistoryId).ToList();
            return Results.Json(new
            {
                history = added.Select(m => new
                {
                    id = m.HistoryId.ToString(),
                    messages = new[] { new { id = m.Id, threadId = m.ThreadId } },
                    messagesAdded = new[] { new { message = new { id = m.Id, threadId = m.ThreadId, labelIds = m.Labels } } },
                }),
                historyId = Interlocked.Read(ref _historyId).ToString(),
            });
        });
        api.MapGet("/messages", (int? maxResults) => Results.Json(new
        {
            messages = _messages.Reverse().Take(maxResults ?? 100).Select(m => new { id = m.Id, threadId = m.ThreadId }),
            resultSizeEstimate = _messages.Count,
        }));
        api.MapGet("/messages/{id}", (string id) => _messages.FirstOrDefault(m => m.Id == id) is { } m
            ? Results.Json(new
            {
                id = m.Id, threadId = m.ThreadId, labelIds = m.Labels, snippet = $"Snippet of {m.Subject}", historyId = m.HistoryId.ToString(),
                internalDate = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds().ToString(),
                payload = new { headers = new[] { new { name = "From", value = m.From }, new { name = "Subject", value = m.Subject } } },
            })
            : Results.NotFound());
    }
}
