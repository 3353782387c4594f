using System.Net;
using System.Text.Json;

namespace AgentCloud.ServiceDefaults.Secrets;

/// <summary>
/// Dapr's secrets API: <c>GET /v1.0/secrets/{store}/{key}</c> answers <c>{ "key": "value" }</c>, or 204 when there is no such secret. Errors name the secret,
/// never its value; the HttpClient is built without logging handlers, so nothing about the response reaches the logs.
/// </summary>
public sealed class DaprSecretStore(HttpClient http, string storeName) : ISecretStore
{
    public async ValueTask<string?> GetSecretAsync(string name, CancellationToken cancellationToken = default)
    {
        using var response = await http.GetAsync($"v1.0/secrets/{Uri.EscapeDataString(storeName)}/{Uri.EscapeDataString(name)}", cancellationToken);
        if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.NoContent)
        {
            return null;
        }
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"Dapr secret store '{storeName}' refused secret '{name}': {(int)response.StatusCode}.", null, response.StatusCode);
        }
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        var values = await JsonSerializer.DeserializeAsync<Dictionary<string, string>>(body, cancellationToken: cancellationToken);
        // Name/value stores answer { name: value }; a multi-key store (Kubernetes) may answer with one differently named key.
        return values?.GetValueOrDefault(name) ?? (values is { Count: 1 } ? values.Values.Single() : null);
    }
}
