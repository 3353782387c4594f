using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace AgentCloud.Contracts.Tools;

/// <summary>
/// The call context: the agents service's signed statement of whom a tool call acts for and what that user may do, so
/// the tool gateway checks a tool's required permissions locally instead of asking the directory on every call. The
/// runtime passes it as <c>callContext</c> in the body of <c>POST /tools/{key}/invoke</c> (optional: without it, or
/// once it has expired, the gateway asks the directory as before).
/// <para>Format: a compact JWS, header <c>{"alg":"HS256","typ":"JWT"}</c>, key = <see cref="DeriveKey"/> of the
/// platform JWT signing key: HMAC-SHA256(platform key, <see cref="KeyLabel"/>), a key for call contexts alone, so no
/// access token or approval grant passes as a call context nor a call context as either.</para>
/// <para>Payload (<see cref="Claims"/> writes it): <c>iss</c> = <see cref="Issuer"/>, <c>aud</c> = <see cref="Audience"/>,
/// <c>tid</c> tenant id, <c>sub</c> user id, <c>loc</c> location id (absent when the call names no location),
/// <c>perms</c> = the user's effective permissions at that location as the directory computes them (an array of
/// strings such as <c>email:send</c>), <c>iat</c> and <c>exp</c> in Unix seconds with <c>exp</c> at most
/// <see cref="MaxLifetime"/> after <c>iat</c>, <c>jti</c>.</para>
/// <para>The gateway honours it only for the call it describes: <c>tid</c>, <c>sub</c> and <c>loc</c> must equal the
/// invoke body's <c>tenantId</c>, <c>userId</c> and <c>locationId</c>. A context that is malformed, badly signed, not
/// issued by agents for the gateway, issued for another call or longer-lived than <see cref="MaxLifetime"/> refuses the
/// call (<c>permission_denied</c>); an expired one is ignored (the directory is asked). So a permission revoked in the
/// directory stops working within <see cref="MaxLifetime"/> at the latest: mint one per turn, not per conversation.</para>
/// </summary>
public static class CallContext
{
    public const string Issuer = "agents";

    public const string Audience = "tool-gateway";

    public const string KeyLabel = "agentcloud/call-context/v1";

    public static readonly TimeSpan MaxLifetime = TimeSpan.FromMinutes(5);

    public static byte[] DeriveKey(byte[] platformSigningKey) =>
        HMACSHA256.HashData(platformSigningKey, Encoding.UTF8.GetBytes(KeyLabel));

    /// <summary>The payload to sign (HS256 with <see cref="DeriveKey"/>), valid from <paramref name="issuedAt"/> for
    /// <paramref name="lifetime"/> (at most <see cref="MaxLifetime"/>).</summary>
    public static JsonObject Claims(Guid tenantId, Guid userId, Guid? locationId, IEnumerable<string> permissions,
        DateTimeOffset issuedAt, TimeSpan lifetime)
    {
        var claims = new JsonObject
        {
            ["iss"] = Issuer,
            ["aud"] = Audience,
            ["tid"] = tenantId.ToString(),
            ["sub"] = userId.ToString(),
            ["perms"] = new JsonArray([.. permissions.Select(p => JsonValue.Create(p))]),
            ["iat"] = issuedAt.ToUnixTimeSeconds(),
            ["exp"] = issuedAt.Add(lifetime).ToUnixTimeSeconds(),
            ["jti"] = Guid.NewGuid().ToString("N"),
        };
        if (locationId is { } location)
        {
            claims["loc"] = location.ToString();
        }
        return claims;
    }
}
