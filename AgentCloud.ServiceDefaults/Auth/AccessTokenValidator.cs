using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace AgentCloud.ServiceDefaults.Auth;

/// <summary>Checks signature, issuer, audience and lifetime; returns the token's claims or why it was refused.</summary>
public sealed class AccessTokenValidator(
    SigningKeyProvider keys, OidcKeySource oidc, IOptions<AuthOptions> options, TimeProvider time)
{
    public async ValueTask<(ClaimsPrincipal? Principal, string? Error)> ValidateAsync(string token, CancellationToken cancellationToken)
    {
        var parsed = JsonWebToken.Parse(token);
        if (parsed is null)
        {
            return (null, "malformed token");
        }

        var settings = options.Value;
        string issuer, audience;
        if (parsed.Algorithm == "HS256")
        {
            if (!parsed.HasValidHs256Signature(await keys.GetKeyAsync(cancellationToken)))
            {
                return (null, "bad signature");
            }
            (issuer, audience) = (settings.Issuer, settings.Audience);
        }
        else if (parsed.Algorithm == "RS256" && settings.Authority is not null)
        {
            try
            {
                var key = await oidc.FindKeyAsync(parsed.KeyId, cancellationToken);
                if (key is null || !parsed.HasValidRs256Signature(key))
                {
                    return (null, "bad signature");
                }
                (issuer, audience) = (await oidc.GetIssuerAsync(cancellationToken), settings.AuthorityAudience ?? settings.Audience);
            }
            catch (Exception e) when (e is HttpRequestException or JsonException or KeyNotFoundException or InvalidOperationException or CryptographicException)
            {
                // An unreachable or malformed issuer refuses the token (401) rather than failing the request (500).
                return (null, $"issuer keys unavailable: {e.Message}");
            }
        }
        else
        {
            return (null, $"algorithm '{parsed.Algorithm}' is not accepted");
        }

        var payload = parsed.Payload;
        if (String(payload, AgentCloudClaims.Issuer) != issuer)
        {
            return (null, "wrong issuer");
        }
        if (!Audiences(payload).Contains(audience))
        {
            return (null, "wrong audience");
        }
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        var skew = (long)settings.ClockSkew.TotalSeconds;
        if (Number(payload, AgentCloudClaims.Expires) is not { } expires || expires + skew <= now)
        {
            return (null, "expired");
        }
        if (Number(payload, AgentCloudClaims.NotBefore) is { } notBefore && notBefore - skew > now)
        {
            return (null, "not yet valid");
        }

        var identity = new ClaimsIdentity(Claims(payload), AuthenticationSchemes.Bearer, AgentCloudClaims.Subject, AgentCloudClaims.Roles);
        return (new ClaimsPrincipal(identity), null);
    }

    static IEnumerable<Claim> Claims(JsonElement payload)
    {
        foreach (var property in payload.EnumerateObject())
        {
            var values = property.Value.ValueKind == JsonValueKind.Array ? property.Value.EnumerateArray().ToList() : [property.Value];
            foreach (var value in values)
            {
                var text = value.ValueKind switch
                {
                    JsonValueKind.String => value.GetString(),
                    JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
                    _ => null,
                };
                if (text is not null)
                {
                    yield return new Claim(property.Name, text);
                }
            }
        }
    }

    static string? String(JsonElement payload, string name) =>
        payload.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    static long? Number(JsonElement payload, string name) =>
        payload.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number)
            ? number
            : null;

    static List<string> Audiences(JsonElement payload) =>
        !payload.TryGetProperty(AgentCloudClaims.Audience, out var aud) ? []
        : aud.ValueKind == JsonValueKind.String ? [aud.GetString()!]
        : aud.ValueKind == JsonValueKind.Array ? [.. aud.EnumerateArray().Where(a => a.ValueKind == JsonValueKind.String).Select(a => a.GetString()!)]
        : [];
}
