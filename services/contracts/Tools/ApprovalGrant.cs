using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace AgentCloud.Contracts.Tools;

/// <summary>
/// The approval grant: proof that a person approved exactly one tool call. A compact JWS (HS256) issued by the agents
/// service when a run leaves <c>requires_approval</c> and passed by the runtime as <c>approvalGrant</c> in the invoke
/// body. The tool gateway executes an approval-required action only with a valid grant for that very call.
/// <para>Header: <c>{"alg":"HS256","typ":"JWT"}</c>. Key: HMAC-SHA256(platform JWT signing key,
/// <see cref="KeyLabel"/>) — a key derived for grants only, so no access token can pass as a grant nor a grant as an
/// access token.</para>
/// <para>Payload: <c>iss</c> = <see cref="Issuer"/>, <c>aud</c> = <see cref="Audience"/>, <c>tid</c> tenant id,
/// <c>tcid</c> tool call id, <c>tool</c> tool key, <c>args</c> = <see cref="HashArguments"/> of the approved
/// arguments, <c>sub</c> the approving user (optional), <c>iat</c>, <c>exp</c> (at most <see cref="MaxLifetime"/>
/// after <c>iat</c>), <c>jti</c>.</para>
/// </summary>
public static class ApprovalGrant
{
    public const string Issuer = "agents";

    public const string Audience = "tool-gateway";

    public const string KeyLabel = "agentcloud/approval-grant/v1";

    public static readonly TimeSpan MaxLifetime = TimeSpan.FromMinutes(15);

    public static byte[] DeriveKey(byte[] platformSigningKey) =>
        HMACSHA256.HashData(platformSigningKey, Encoding.UTF8.GetBytes(KeyLabel));

    /// <summary>
    /// <c>sha256:</c> + lowercase hex SHA-256 of the canonical JSON of the arguments: object properties sorted by
    /// ordinal name at every depth, no whitespace, strings and numbers as System.Text.Json writes them.
    /// </summary>
    public static string HashArguments(JsonElement arguments)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteCanonical(writer, arguments);
        }
        return "sha256:" + Convert.ToHexStringLower(SHA256.HashData(buffer.ToArray()));
    }

    static void WriteCanonical(Utf8JsonWriter writer, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in element.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(property.Name);
                    WriteCanonical(writer, property.Value);
                }
                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray())
                {
                    WriteCanonical(writer, item);
                }
                writer.WriteEndArray();
                break;
            default:
                element.WriteTo(writer);
                break;
        }
    }
}
