using System.Text.Json;
using AgentCloud.Contracts.Credentials;
using AgentCloud.Triggers.Clients;
using AgentCloud.Triggers.Firing;
using AgentCloud.Triggers.Systems;

namespace AgentCloud.Triggers.Listeners;

/// <summary>A trigger a listener serves this poll, with its parsed options (its per-trigger filters).</summary>
public sealed record ListenerMember(FireTarget Target, PolledOptions Options);

/// <summary>One poll of a listener: who it serves now, its cursor, and when its credential last changed.</summary>
public sealed record ListenerPoll(
    string Key, Guid TenantId, Guid? CredentialId, IReadOnlyList<ListenerMember> Members, string? Cursor, DateTimeOffset? CredentialChangedAt)
{
    /// <summary>The credential audit's purpose: which triggers this read serves.</summary>
    public string Purpose
    {
        get
        {
            var ids = Members.Select(m => m.Target.TriggerId.ToString()).ToList();
            var shown = string.Join(",", ids.Take(4));
            return $"trigger-listener:{Members[0].Target.System}/triggers:{shown}" + (ids.Count > 4 ? $"+{ids.Count - 4} more" : "");
        }
    }
}

/// <summary>An item the source returned: its key (dedupe), its payload, and labels a per-trigger filter may read.</summary>
public sealed record PolledItem(string Key, JsonElement Payload, IReadOnlyCollection<string>? Labels = null);

/// <summary>The items of one poll and the cursor to resume from (null: the listener keeps no cursor).</summary>
public sealed record PollResult(IReadOnlyList<PolledItem> Items, string? Cursor);

/// <summary>A poll failed in a way worth telling the user (no secrets in <see cref="Exception.Message"/>).</summary>
public sealed class ListenerException(string message) : Exception(message);

/// <summary>
/// Seed 003's listener: one object per source system and credential (and compatible options), made and reused by
/// <see cref="ListenerFactory"/> for every trigger that shares it, polled by <see cref="ListenerPoller"/> on whichever
/// replica holds its lease. It keeps what is worth keeping between polls: the credential and tokens, connections.
/// </summary>
public abstract class Listener(CredentialsClient credentials)
{
    CredentialSecret? _credential;
    DateTimeOffset _credentialFetchedAt;

    public abstract Task<PollResult> PollAsync(ListenerPoll poll, CancellationToken cancellationToken);

    /// <summary>Whether a trigger with these options wants this item (per-trigger filters of a shared listener).</summary>
    public virtual bool Accepts(PolledOptions options, PolledItem item) => true;

    /// <summary>
    /// The listener's credential, fetched once and kept until it changes (rotated or deleted: the event bumps the
    /// listener's <c>credential_changed_at</c>) or <paramref name="refresh"/> asks again (the source refused it).
    /// </summary>
    protected async Task<CredentialSecret> CredentialAsync(ListenerPoll poll, bool refresh, CancellationToken cancellationToken)
    {
        if (poll.CredentialId is not { } credentialId)
        {
            throw new ListenerException("This listener has no credential.");
        }
        if (_credential is null || refresh || poll.CredentialChangedAt > _credentialFetchedAt)
        {
            _credentialFetchedAt = DateTimeOffset.UtcNow;
            var userId = poll.Members.Select(m => m.Target.UserId).FirstOrDefault(u => u is not null);
            _credential = await credentials.ReadAsync(poll.TenantId, credentialId, userId, poll.Purpose, cancellationToken)
                ?? throw new ListenerException($"Credential {credentialId} is gone or not usable by the trigger's user.");
        }
        return _credential;
    }

    /// <summary>A string field of the credential's secret object.</summary>
    protected static string? Field(CredentialSecret credential, string name) =>
        credential.Credentials.ValueKind == JsonValueKind.Object && credential.Credentials.TryGetProperty(name, out var value)
            && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>Reads a response body up to <paramref name="limit"/> bytes as JSON.</summary>
    protected static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response, int limit, CancellationToken cancellationToken)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                throw new ListenerException($"The response is larger than {limit / 1024} KiB.");
            }
            buffer.Write(chunk, 0, read);
        }
        try
        {
            using var document = JsonDocument.Parse(buffer.ToArray());
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            throw new ListenerException("The response is not JSON.");
        }
    }

    /// <summary>Throws a <see cref="ListenerException"/> naming the status for an unsuccessful response.</summary>
    protected static void EnsureSuccess(HttpResponseMessage response, string what)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw new ListenerException($"{what} answered {(int)response.StatusCode} {response.ReasonPhrase}.");
        }
    }

    /// <summary>The items of an array property (none when it is missing).</summary>
    protected static IEnumerable<JsonElement> ArrayOf(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array
            ? value.EnumerateArray() : [];

    /// <summary>A string or number property as text.</summary>
    protected static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value)
            ? value.ValueKind switch { JsonValueKind.String => value.GetString(), JsonValueKind.Number => value.GetRawText(), _ => null }
            : null;
}
