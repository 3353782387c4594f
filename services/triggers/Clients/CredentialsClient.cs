using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Serialization;
using AgentCloud.Contracts.Credentials;

namespace AgentCloud.Triggers.Clients;

/// <summary>
/// The credentials service. <see cref="UsableByAsync"/> checks, with the user's own token, that a credential exists
/// and is theirs or tenant-wide (metadata only, nothing decrypted). <see cref="ReadAsync"/> is the privileged read with
/// this service's identity, for a listener; its purpose names the triggers it serves, for the credential's audit log.
/// </summary>
public sealed class CredentialsClient(HttpClient http)
{
    sealed record Metadata([property: JsonPropertyName("user_id")] Guid? UserId);

    public async Task<bool> UsableByAsync(Guid tenantId, Guid credentialId, Guid userId, string bearerToken, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"tenant/{tenantId}/credentials/{credentialId}/metadata");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearerToken);
        using var response = await http.SendAsync(request, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
        response.EnsureSuccessStatusCode();
        var metadata = await response.Content.ReadFromJsonAsync<Metadata>(cancellationToken);
        return metadata is not null && (metadata.UserId is null || metadata.UserId == userId);
    }

    /// <summary>The credential with its secret, or null when it is gone or not usable by <paramref name="userId"/>.</summary>
    public async Task<CredentialSecret?> ReadAsync(Guid tenantId, Guid credentialId, Guid? userId, string purpose, CancellationToken cancellationToken)
    {
        var url = $"tenant/{tenantId}/credentials/{credentialId}?purpose={Uri.EscapeDataString(purpose)}" + (userId is { } u ? $"&user_id={u}" : "");
        using var response = await http.GetAsync(url, cancellationToken);
        if (response.StatusCode is HttpStatusCode.NotFound)
        {
            return null;
        }
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<CredentialSecret>(cancellationToken);
    }
}
