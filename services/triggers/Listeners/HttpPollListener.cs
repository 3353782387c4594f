using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgentCloud.Contracts.Credentials;
using AgentCloud.Triggers.Clients;
using AgentCloud.Triggers.Systems;

namespace AgentCloud.Triggers.Listeners;

/// <summary>
/// GETs the URL (SSRF-safe client: private addresses only when configured), selects the items at <c>items_path</c>
/// and keys each by <c>id_field</c>. Auth from the credential (as the tool gateway's http_request reads it): field
/// <c>auth</c> = <c>bearer</c> (default; <c>token</c>, <c>api_key</c>, <c>secret</c> or <c>access_token</c>),
/// <c>basic</c> (<c>username</c> + <c>password</c>) or <c>header</c> (<c>header</c> names it, the token is its value).
/// </summary>
public sealed class HttpPollListener(CredentialsClient credentials, HttpClient http, int maxResponseBytes) : Listener(credentials)
{
    public const int MaxItems = 1000;
    static readonly string[] TokenFields = ["token", "api_key", "secret", "access_token", "password"];

    public override async Task<PollResult> PollAsync(ListenerPoll poll, CancellationToken cancellationToken)
    {
        var options = (HttpPollOptions)poll.Members[0].Options;
        for (var attempt = 0; ; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, options.Url);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            foreach (var (name, value) in options.Headers)
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }
            if (poll.CredentialId is not null)
            {
                Authorize(request, await CredentialAsync(poll, refresh: attempt > 0, cancellationToken));
            }
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden && poll.CredentialId is not null && attempt == 0)
            {
                continue; // the credential may have been rotated: fetch it again once
            }
            EnsureSuccess(response, "The polled URL");
            var document = await ReadJsonAsync(response, maxResponseBytes, cancellationToken);
            if (options.ItemsPath.Select(document) is not { ValueKind: JsonValueKind.Array } items)
            {
                throw new ListenerException($"items_path {options.ItemsPath.Text} does not select an array in the response.");
            }
            var polled = new List<PolledItem>();
            foreach (var item in items.EnumerateArray().Take(MaxItems))
            {
                if (options.IdField.Select(item) is { ValueKind: JsonValueKind.String or JsonValueKind.Number } id)
                {
                    var key = id.ValueKind == JsonValueKind.String ? id.GetString()! : id.GetRawText();
                    polled.Add(new PolledItem(key, JsonSerializer.SerializeToElement(new JsonObject
                    {
                        ["url"] = options.Url.ToString(),
                        ["item_id"] = key,
                        ["item"] = JsonNode.Parse(item.GetRawText()),
                    })));
                }
            }
            return new PollResult(polled, null);
        }
    }

    static void Authorize(HttpRequestMessage request, CredentialSecret credential)
    {
        var token = TokenFields.Select(f => Field(credential, f)).FirstOrDefault(v => v is not null);
        switch (Field(credential, "auth") ?? Meta(credential, "auth") ?? "bearer")
        {
            case "basic":
                var user = Field(credential, "username") ?? Meta(credential, "username") ?? "";
                request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
                    Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{Field(credential, "password") ?? token}")));
                break;
            case "header":
                request.Headers.TryAddWithoutValidation(Field(credential, "header") ?? Meta(credential, "header") ?? "X-Api-Key", token);
                break;
            default:
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token
                    ?? throw new ListenerException("The credential has no token for bearer auth."));
                break;
        }
    }

    static string? Meta(CredentialSecret credential, string name) =>
        credential.Meta.ValueKind == JsonValueKind.Object && credential.Meta.TryGetProperty(name, out var value)
            && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
