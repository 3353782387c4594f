using System.Text.Json;
using AgentCloud.Contracts.Credentials;

namespace AgentCloud.Agents.Models;

/// <summary>
/// A provider's API key from the credentials service (<c>GET http://credentials/tenant/{tenant}/credentials/{id}</c>, as
/// the agents service), read for each model call with the run and step it serves, so the credential's audit lists the
/// runs that used it and a rotated key applies at once. The key is held only while the client is built; it is never
/// logged, traced or shown to a model. The secret is a JSON object with <c>api_key</c> (or <c>apiKey</c>, <c>key</c>).
/// </summary>
public sealed class ModelCredentials(IHttpClientFactory clients)
{
    public const string HttpClientName = "credentials";

    static readonly string[] KeyProperties = ["api_key", "apiKey", "key"];

    /// <summary>The key, or null when the credential cannot be read or holds no key (the caller falls back).</summary>
    public async Task<string?> ReadApiKeyAsync(Guid tenantId, Guid credentialId, ModelCall call, CancellationToken cancellationToken)
    {
        using var response = await clients.CreateClient(HttpClientName).GetAsync(
            $"tenant/{tenantId}/credentials/{credentialId}?run_id={call.RunId}&purpose={Uri.EscapeDataString($"model call, step {call.Seq}")}",
            cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            return null;
        }
        var secret = await response.Content.ReadFromJsonAsync<CredentialSecret>(cancellationToken);
        return secret?.Credentials.ValueKind == JsonValueKind.Object
            ? KeyProperties.Select(p => secret.Credentials.TryGetProperty(p, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null)
                .FirstOrDefault(k => !string.IsNullOrEmpty(k))
            : null;
    }
}
