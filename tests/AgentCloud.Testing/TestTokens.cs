using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using AgentCloud.ServiceDefaults.Auth;
using Microsoft.AspNetCore.Http;

namespace AgentCloud.Testing;

/// <summary>
/// Mints tokens the services under test accept: <see cref="ServiceFactory{TProgram}"/> configures every service with
/// <see cref="SigningKey"/> and the default issuer/audience. Also the tokens they must refuse.
/// </summary>
public static class TestTokens
{
    /// <summary>Fixed test-only HS256 key (base64, 64 bytes). Never used outside tests.</summary>
    public const string SigningKey = "F4lrShXKZKunOYBsrml/LpAbx/QH3CcsfmyEwNytlPc98d2H6miv+LC3MK0M6EU3eZF+C9Z+ZBskVR9yf/hPKA==";

    public const string Issuer = "agentcloud";

    public const string Audience = "agentcloud";

    static readonly byte[] Key = Convert.FromBase64String(SigningKey);

    /// <summary>The client secret <see cref="ServiceFactory{TProgram}"/> gives each known service.</summary>
    public static string ServiceSecret(string service) => $"test-client-secret-{service}";

    public static string User(Guid tenantId, Guid? userId = null, IEnumerable<string>? roles = null, IEnumerable<Guid>? teamIds = null) =>
        Sign(UserPayload(tenantId, userId ?? Guid.NewGuid(), roles ?? [AgentCloudRoles.Member], teamIds ?? []), TimeSpan.FromMinutes(10));

    public static string Admin(Guid tenantId, Guid? userId = null) => User(tenantId, userId, [AgentCloudRoles.Admin]);

    /// <summary>A service's own token: <c>svc</c> and no user, as the agents service issues them.</summary>
    public static string Service(string service) =>
        Sign(new JsonObject { [AgentCloudClaims.Service] = service }, TimeSpan.FromMinutes(10));

    public static string Expired(Guid tenantId) =>
        Sign(UserPayload(tenantId, Guid.NewGuid(), [AgentCloudRoles.Admin], []), TimeSpan.FromMinutes(-5));

    public static string BadlySigned(Guid tenantId) =>
        Sign(UserPayload(tenantId, Guid.NewGuid(), [AgentCloudRoles.Admin], []), TimeSpan.FromMinutes(10),
            key: SHA512.HashData(Encoding.UTF8.GetBytes("some other key")));

    public static string WrongAudience(Guid tenantId) =>
        Sign(UserPayload(tenantId, Guid.NewGuid(), [AgentCloudRoles.Admin], []), TimeSpan.FromMinutes(10), audience: "someone-else");

    public static string WrongIssuer(Guid tenantId) =>
        Sign(UserPayload(tenantId, Guid.NewGuid(), [AgentCloudRoles.Admin], []), TimeSpan.FromMinutes(10), issuer: "https://evil.example");

    /// <summary>alg "none" with the signature stripped.</summary>
    public static string Unsigned(Guid tenantId)
    {
        var parts = User(tenantId, roles: [AgentCloudRoles.Admin]).Split('.');
        var header = Convert.ToBase64String("""{"alg":"none","typ":"JWT"}"""u8).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return $"{header}.{parts[1]}.";
    }

    /// <summary>The service whose test-signed token authorizes this request (a stand-in peer checking its caller); null for
    /// anything else.</summary>
    public static string? CallingService(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        var token = header.StartsWith("Bearer ", StringComparison.Ordinal) ? JsonWebToken.Parse(header[7..]) : null;
        return token is not null && token.HasValidHs256Signature(Key)
            && token.Payload.TryGetProperty(AgentCloudClaims.Service, out var service) ? service.GetString() : null;
    }

    /// <summary>The user (tenant and user id) whose test-signed token authorizes this request; null for anything else.</summary>
    public static (Guid TenantId, Guid UserId)? CallingUser(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        var token = header.StartsWith("Bearer ", StringComparison.Ordinal) ? JsonWebToken.Parse(header[7..]) : null;
        return token is not null && token.HasValidHs256Signature(Key)
            && token.Payload.TryGetProperty(AgentCloudClaims.Tenant, out var tenant) && Guid.TryParse(tenant.GetString(), out var tenantId)
            && token.Payload.TryGetProperty(AgentCloudClaims.Subject, out var user) && Guid.TryParse(user.GetString(), out var userId)
            ? (tenantId, userId) : null;
    }

    /// <summary>Sets <c>Authorization: Bearer</c> on every request of this client.</summary>
    public static HttpClient WithToken(this HttpClient client, string token)
    {
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    static JsonObject UserPayload(Guid tenantId, Guid userId, IEnumerable<string> roles, IEnumerable<Guid> teamIds) => new()
    {
        [AgentCloudClaims.Subject] = userId.ToString(),
        [AgentCloudClaims.Tenant] = tenantId.ToString(),
        [AgentCloudClaims.Roles] = new JsonArray([.. roles.Select(r => JsonValue.Create(r))]),
        [AgentCloudClaims.Teams] = new JsonArray([.. teamIds.Select(t => JsonValue.Create(t.ToString()))]),
    };

    static string Sign(JsonObject payload, TimeSpan lifetime, byte[]? key = null, string issuer = Issuer, string audience = Audience)
    {
        var now = DateTimeOffset.UtcNow;
        payload[AgentCloudClaims.Issuer] = issuer;
        payload[AgentCloudClaims.Audience] = audience;
        payload[AgentCloudClaims.IssuedAt] = now.ToUnixTimeSeconds();
        payload[AgentCloudClaims.Expires] = now.Add(lifetime).ToUnixTimeSeconds();
        payload[AgentCloudClaims.TokenId] = Guid.NewGuid().ToString("N");
        return JsonWebToken.SignHs256(payload, key ?? Key);
    }
}
