using System.Net;
using System.Text.Json;

namespace AgentCloud.ToolGateway.Clients;

/// <summary>A decrypted credential. <see cref="ToString"/> never shows the secret, so it cannot leak through logs.</summary>
public sealed class ResolvedCredential(Guid id, string type, string secret, IReadOnlyDictionary<string, string> metadata)
{
    public Guid Id => id;

    public string Type => type;

    public string Secret => secret;

    public IReadOnlyDictionary<string, string> Metadata => metadata;

    public string? Meta(string name) => metadata.TryGetValue(name, out var value) ? value : null;

    public override string ToString() => $"credential {id} ({type})";
}

public interface ICredentialsClient
{
    /// <summary>Null when the credential does not exist for this tenant or may not be used by this user.</summary>
    Task<ResolvedCredential?> GetAsync(Guid tenantId, Guid credentialId, Guid? userId, string purpose, CancellationToken cancellationToken);
}

/// <summary><c>GET http://credentials/tenant/{tenant_id}/credentials/{id}?user_id=&amp;purpose=</c> (issue 6, the one
/// privileged read) with this service's identity. Reads <c>type</c>, <c>secret</c> and string-valued <c>meta</c>.</summary>
public sealed class CredentialsClient(HttpClient http) : ICredentialsClient
{
    public async Task<ResolvedCredential?> GetAsync(Guid tenantId, Guid credentialId, Guid? userId, string purpose, CancellationToken cancellationToken)
    {
        var url = $"tenant/{tenantId}/credentials/{credentialId}?purpose={Uri.EscapeDataString(purpose)}" + (userId is { } u ? $"&user_id={u}" : "");
        using var response = await http.GetAsync(url, cancellationToken);
        if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Forbidden)
        {
            return null;
        }
        response.EnsureSuccessStatusCode();
        using var body = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
        var root = body.RootElement;
        var meta = new Dictionary<string, string>(StringComparer.Ordinal);
        if ((root.TryGetProperty("meta", out var m) || root.TryGetProperty("metadata", out m)) && m.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in m.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.String))
            {
                meta[property.Name] = property.Value.GetString()!;
            }
        }
        return new ResolvedCredential(
            credentialId,
            root.TryGetProperty("type", out var type) ? type.GetString() ?? "" : "",
            root.GetProperty("secret").GetString() ?? "",
            meta);
    }
}
