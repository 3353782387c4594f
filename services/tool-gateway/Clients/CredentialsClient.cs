using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AgentCloud.Contracts.Credentials;

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

/// <summary>
/// <c>GET http://credentials/tenant/{tenant_id}/credentials/{id}?user_id=&amp;tool=&amp;run_id=&amp;purpose=</c> (the one
/// privileged read) with this service's identity. The credential's opaque <c>credentials</c> object holds its secret
/// under one of the conventional names (<see cref="SecretFields"/>, or its only string field); its other string fields
/// and <c>meta</c> are what connectors read as metadata (e.g. <c>username</c>, <c>account_sid</c>, <c>auth</c>).
/// </summary>
public sealed class CredentialsClient(HttpClient http) : ICredentialsClient
{
    public static readonly string[] SecretFields = ["secret", "password", "token", "api_key", "auth_token"];

    public async Task<ResolvedCredential?> GetAsync(Guid tenantId, Guid credentialId, Guid? userId, string purpose, CancellationToken cancellationToken)
    {
        var url = $"tenant/{tenantId}/credentials/{credentialId}?purpose={Uri.EscapeDataString(purpose)}" + (userId is { } u ? $"&user_id={u}" : "");
        using var response = await http.GetAsync(url, cancellationToken);
        if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Forbidden)
        {
            return null;
        }
        response.EnsureSuccessStatusCode();
        var credential = await response.Content.ReadFromJsonAsync<CredentialSecret>(cancellationToken)
            ?? throw new InvalidOperationException("The credentials service answered without a body.");

        var values = StringFields(credential.Credentials);
        var secretName = SecretFields.FirstOrDefault(values.ContainsKey) ?? (values.Count == 1 ? values.Keys.Single() : null);
        var metadata = StringFields(credential.Meta);
        foreach (var (name, value) in values.Where(v => v.Key != secretName))
        {
            metadata.TryAdd(name, value);
        }
        return new ResolvedCredential(credentialId, credential.Type, secretName is null ? "" : values[secretName], metadata);
    }

    static Dictionary<string, string> StringFields(JsonElement element) =>
        element.ValueKind == JsonValueKind.Object
            ? element.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.String)
                .ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.Ordinal)
            : new Dictionary<string, string>(StringComparer.Ordinal);
}
