using System.Text.Json;
using System.Text.Json.Serialization;

namespace AgentCloud.Contracts.Credentials;

/// <summary>
/// What a service (tool-gateway, agents) receives from <c>GET /tenant/{tenant_id}/credentials/{credential_id}?user_id=</c>:
/// the credential with its decrypted secret (seed 003, snake_case JSON). Hold it only as long as the call that needs
/// it; never log it, trace it or hand it to a model.
/// </summary>
public sealed record CredentialSecret(
    [property: JsonPropertyName("credential_id")] Guid CredentialId,
    [property: JsonPropertyName("tenant_id")] Guid TenantId,
    [property: JsonPropertyName("user_id")] Guid? UserId,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("meta")] JsonElement Meta,
    [property: JsonPropertyName("credentials")] JsonElement Credentials,
    [property: JsonPropertyName("updated_at")] DateTimeOffset UpdatedAt)
{
    /// <summary>Keeps the secret out of accidental logging of the record.</summary>
    public override string ToString() => $"CredentialSecret {{ CredentialId = {CredentialId}, Type = {Type}, Credentials = *** }}";
}
