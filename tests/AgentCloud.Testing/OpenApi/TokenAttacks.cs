using System.Security.Cryptography;
using System.Text;
using AgentCloud.ServiceDefaults.Auth;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AgentCloud.Testing.OpenApi;

/// <summary>
/// The tokens an attacker (or a misconfigured issuer) would try: forged, unsigned, alg "none", re-signed with another
/// algorithm, edited, expired, for another issuer or audience, a service token for another service, and correctly
/// signed tokens that name no AgentCloud caller (a subject that is not a user id, no tenant).
/// </summary>
public static class TokenAttacks
{
    public static Dictionary<string, string> For(string thisService)
    {
        var tenant = Guid.NewGuid();
        var genuine = TestTokens.User(tenant, roles: [AgentCloudRoles.Owner]);
        var otherService = ServiceClients.Known.First(s => s != thisService);
        return new()
        {
            ["not a JWT"] = "not.a.jwt",
            ["forged (another key)"] = TestTokens.BadlySigned(tenant),
            ["unsigned (alg none)"] = TestTokens.Unsigned(tenant),
            ["re-signed with HS512"] = ReSignedWithHs512(genuine),
            ["edited (another tenant, old signature)"] = Edited(genuine, Guid.NewGuid()),
            ["expired"] = TestTokens.Expired(tenant),
            ["wrong issuer"] = TestTokens.WrongIssuer(tenant),
            ["wrong audience"] = TestTokens.WrongAudience(tenant),
            [$"a service token for {otherService}"] = TestTokens.Service("tool-gateway", audience: otherService),
            ["a user token addressed like a service token"] = TestTokens.Signed(new()
            {
                [AgentCloudClaims.Subject] = Guid.NewGuid().ToString(), [AgentCloudClaims.Tenant] = tenant.ToString(),
                [AgentCloudClaims.Audience] = thisService,
            }),
            ["no caller: sub is not a user id"] = TestTokens.Signed(new() { [AgentCloudClaims.Subject] = "root", [AgentCloudClaims.Tenant] = tenant.ToString() }),
            ["no caller: no tenant"] = TestTokens.Signed(new() { [AgentCloudClaims.Subject] = Guid.NewGuid().ToString() }),
            ["no caller: tenant not an id"] = TestTokens.Signed(new() { [AgentCloudClaims.Subject] = Guid.NewGuid().ToString(), [AgentCloudClaims.Tenant] = "acme" }),
            ["no caller: no claims at all"] = TestTokens.Signed([]),
        };
    }

    /// <summary>The same payload, signed with our key under HS512, an algorithm the platform does not use.</summary>
    static string ReSignedWithHs512(string token)
    {
        var header = Base64UrlEncoder.Encode("""{"alg":"HS512","typ":"JWT"}""");
        var payload = token.Split('.')[1];
        var signature = HMACSHA512.HashData(Convert.FromBase64String(TestTokens.SigningKey), Encoding.ASCII.GetBytes($"{header}.{payload}"));
        return $"{header}.{payload}.{Base64UrlEncoder.Encode(signature)}";
    }

    /// <summary>The payload changed to another tenant, the original signature kept.</summary>
    static string Edited(string token, Guid tenant)
    {
        var parts = token.Split('.');
        var payload = Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(parts[1]));
        var original = new JsonWebToken(token).GetClaim(AgentCloudClaims.Tenant).Value;
        return $"{parts[0]}.{Base64UrlEncoder.Encode(payload.Replace(original, tenant.ToString()))}.{parts[2]}";
    }
}
