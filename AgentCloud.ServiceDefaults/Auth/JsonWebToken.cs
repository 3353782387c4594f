using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AgentCloud.ServiceDefaults.Auth;

/// <summary>
/// Compact JWS (RFC 7515) for the two algorithms we accept: HS256 (our own tokens) and RS256 (an external OIDC issuer).
/// The Microsoft.IdentityModel packages JwtBearer needs are not in this machine's NuGet copy, so this is the small
/// subset we need; everything else (alg "none", other algorithms, malformed input) is refused.
/// </summary>
public static class JsonWebToken
{
    public static string SignHs256(JsonObject payload, byte[] key)
    {
        var header = Base64Url.EncodeToString("""{"alg":"HS256","typ":"JWT"}"""u8);
        var body = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(payload.ToJsonString()));
        var signature = HMACSHA256.HashData(key, Encoding.ASCII.GetBytes($"{header}.{body}"));
        return $"{header}.{body}.{Base64Url.EncodeToString(signature)}";
    }

    /// <summary>Splits and decodes a token; null when it is not a well-formed three-part JWS with a JSON object payload.</summary>
    public static ParsedToken? Parse(string token)
    {
        var parts = token.Split('.');
        if (parts.Length != 3 || parts.Any(p => p.Length == 0 || !Base64Url.IsValid(p)))
        {
            return null;
        }
        try
        {
            using var header = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[0]));
            using var payload = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[1]));
            if (header.RootElement.ValueKind != JsonValueKind.Object || payload.RootElement.ValueKind != JsonValueKind.Object)
            {
                return null;
            }
            return new ParsedToken(
                header.RootElement.TryGetProperty("alg", out var alg) && alg.ValueKind == JsonValueKind.String ? alg.GetString()! : "",
                header.RootElement.TryGetProperty("kid", out var kid) && kid.ValueKind == JsonValueKind.String ? kid.GetString() : null,
                payload.RootElement.Clone(),
                Encoding.ASCII.GetBytes($"{parts[0]}.{parts[1]}"),
                Base64Url.DecodeFromChars(parts[2]));
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

public sealed record ParsedToken(string Algorithm, string? KeyId, JsonElement Payload, byte[] SignedPart, byte[] Signature)
{
    public bool HasValidHs256Signature(byte[] key) =>
        Algorithm == "HS256" && CryptographicOperations.FixedTimeEquals(HMACSHA256.HashData(key, SignedPart), Signature);

    public bool HasValidRs256Signature(RSA key) =>
        Algorithm == "RS256" && key.VerifyData(SignedPart, Signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
}
