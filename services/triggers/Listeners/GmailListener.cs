using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgentCloud.Triggers.Clients;
using AgentCloud.Triggers.Systems;

namespace AgentCloud.Triggers.Listeners;

/// <summary>
/// New messages in the credential's mailbox through the Gmail REST API: the first poll takes the mailbox's current
/// <c>historyId</c> (<c>users.getProfile</c>) as its cursor; later polls read <c>users.history.list</c>
/// (<c>historyTypes=messageAdded</c>) from the cursor and fetch each new message's metadata (<c>users.messages.get</c>,
/// <c>format=metadata</c>). When Gmail no longer has that history (404) it resyncs with <c>users.messages.list</c>
/// (the newest 50; items already seen are dropped by the listener's dedupe) and a fresh profile cursor.
/// </summary>
public sealed class GmailListener(CredentialsClient credentials, HttpClient http, string baseUrl, string tokenUrl, int maxResponseBytes)
    : OAuthListener(credentials, http, tokenUrl)
{
    const int MaxPages = 10;
    const int MaxMessages = 100;
    readonly string _api = $"{baseUrl.TrimEnd('/')}/gmail/v1/users/me";

    public override bool Accepts(PolledOptions options, PolledItem item) => ((GmailOptions)options).Accepts(item.Labels ?? []);

    public override async Task<PollResult> PollAsync(ListenerPoll poll, CancellationToken cancellationToken)
    {
        if (poll.Cursor is not { } cursor)
        {
            return new PollResult([], await HistoryIdAsync(poll, cancellationToken));
        }
        var added = new List<string>();
        string? pageToken = null;
        var latest = cursor;
        for (var page = 0; page < MaxPages; page++)
        {
            var url = $"{_api}/history?startHistoryId={Uri.EscapeDataString(cursor)}&historyTypes=messageAdded"
                + (pageToken is null ? "" : $"&pageToken={Uri.EscapeDataString(pageToken)}");
            using var response = await SendAsync(poll, () => new HttpRequestMessage(HttpMethod.Get, url), "Gmail history", cancellationToken);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                return await ResyncAsync(poll, cancellationToken);
            }
            EnsureSuccess(response, "Gmail history");
            var history = await ReadJsonAsync(response, maxResponseBytes, cancellationToken);
            latest = Text(history, "historyId") ?? latest;
            foreach (var record in ArrayOf(history, "history"))
            {
                added.AddRange(ArrayOf(record, "messagesAdded").Select(a => a.TryGetProperty("message", out var m) ? Text(m, "id") : null).OfType<string>());
            }
            if ((pageToken = Text(history, "nextPageToken")) is null)
            {
                break;
            }
        }
        return new PollResult(await MessagesAsync(poll, added, cancellationToken), latest);
    }

    async Task<PollResult> ResyncAsync(ListenerPoll poll, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(poll, () => new HttpRequestMessage(HttpMethod.Get, $"{_api}/messages?maxResults=50"), "Gmail messages.list", cancellationToken);
        EnsureSuccess(response, "Gmail messages.list");
        var list = await ReadJsonAsync(response, maxResponseBytes, cancellationToken);
        var ids = ArrayOf(list, "messages").Select(m => Text(m, "id")).OfType<string>().ToList();
        return new PollResult(await MessagesAsync(poll, ids, cancellationToken), await HistoryIdAsync(poll, cancellationToken));
    }

    async Task<string> HistoryIdAsync(ListenerPoll poll, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(poll, () => new HttpRequestMessage(HttpMethod.Get, $"{_api}/profile"), "Gmail profile", cancellationToken);
        EnsureSuccess(response, "Gmail profile");
        return Text(await ReadJsonAsync(response, maxResponseBytes, cancellationToken), "historyId")
            ?? throw new ListenerException("Gmail's profile has no historyId.");
    }

    async Task<List<PolledItem>> MessagesAsync(ListenerPoll poll, List<string> ids, CancellationToken cancellationToken)
    {
        var items = new List<PolledItem>();
        foreach (var id in ids.Distinct().Take(MaxMessages))
        {
            var url = $"{_api}/messages/{Uri.EscapeDataString(id)}?format=metadata&metadataHeaders=From&metadataHeaders=To&metadataHeaders=Subject&metadataHeaders=Date";
            using var response = await SendAsync(poll, () => new HttpRequestMessage(HttpMethod.Get, url), "Gmail messages.get", cancellationToken);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                continue; // deleted since it arrived
            }
            EnsureSuccess(response, "Gmail messages.get");
            var message = await ReadJsonAsync(response, maxResponseBytes, cancellationToken);
            var labels = ArrayOf(message, "labelIds").Select(l => l.GetString()).OfType<string>().ToList();
            var headers = message.TryGetProperty("payload", out var payload) ? ArrayOf(payload, "headers") : [];
            string? Header(string name) => headers.Where(h => string.Equals(Text(h, "name"), name, StringComparison.OrdinalIgnoreCase))
                .Select(h => Text(h, "value")).FirstOrDefault();
            items.Add(new PolledItem(id, JsonSerializer.SerializeToElement(new JsonObject
            {
                ["message_id"] = id,
                ["thread_id"] = Text(message, "threadId"),
                ["label_ids"] = new JsonArray([.. labels.Select(l => JsonValue.Create(l))]),
                ["from"] = Header("From"),
                ["to"] = Header("To"),
                ["subject"] = Header("Subject"),
                ["date"] = Header("Date"),
                ["snippet"] = Text(message, "snippet"),
                ["internal_date"] = Text(message, "internalDate"),
            }), labels));
        }
        return items;
    }
}
