using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using AgentCloud.ServiceDefaults.Auth;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

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

    /// <summary>The audience of user tokens.</summary>
    public const string Audience = "agentcloud";

    static readonly SymmetricSecurityKey Key = new(Convert.FromBase64String(SigningKey));
    static readonly JsonWebTokenHandler Handler = new() { SetDefaultTimesOnTokenCreation = false };

    /// <summary>The client secret <see cref="ServiceFactory{TProgram}"/> gives each known service.</summary>
    public static string ServiceSecret(string service) => $"test-client-secret-{service}";

    public static string User(Guid tenantId, Guid? userId = null, IEnumerable<string>? roles = null, IEnumerable<Guid>? teamIds = null) =>
        Sign(UserClaims(tenantId, userId ?? Guid.NewGuid(), roles ?? [AgentCloudRoles.Member], teamIds ?? []), TimeSpan.FromMinutes(10));

    public static string Admin(Guid tenantId, Guid? userId = null) => User(tenantId, userId, [AgentCloudRoles.Admin]);

    /// <summary>
    /// A service's own token: <c>svc</c> and no user, as the agents service issues them. Its audience is
    /// <paramref name="audience"/>, or for convenience every known service (and the service itself), so that any
    /// service under test accepts it; tests of audiences name one.
    /// </summary>
    public static string Service(string service, string? audience = null) =>
        Sign(new() { [AgentCloudClaims.Service] = service }, TimeSpan.FromMinutes(10),
            audiences: audience is null ? [.. ServiceClients.Known.Union([service])] : [audience]);

    public static string Expired(Guid tenantId) =>
        Sign(UserClaims(tenantId, Guid.NewGuid(), [AgentCloudRoles.Admin], []), TimeSpan.FromMinutes(-5));

    public static string BadlySigned(Guid tenantId) =>
        Sign(UserClaims(tenantId, Guid.NewGuid(), [AgentCloudRoles.Admin], []), TimeSpan.FromMinutes(10),
            key: new SymmetricSecurityKey(SHA512.HashData(Encoding.UTF8.GetBytes("some other key"))));

    public static string WrongAudience(Guid tenantId) =>
        Sign(UserClaims(tenantId, Guid.NewGuid(), [AgentCloudRoles.Admin], []), TimeSpan.FromMinutes(10), audiences: ["someone-else"]);

    public static string WrongIssuer(Guid tenantId) =>
        Sign(UserClaims(tenantId, Guid.NewGuid(), [AgentCloudRoles.Admin], []), TimeSpan.FromMinutes(10), issuer: "https://evil.example");

    /// <summary>alg "none" with the signature stripped.</summary>
    public static string Unsigned(Guid tenantId)
    {
        var parts = User(tenantId, roles: [AgentCloudRoles.Admin]).Split('.');
        return $"{Base64UrlEncoder.Encode("""{"alg":"none","typ":"JWT"}""")}.{parts[1]}.";
    }

    /// <summary>Correctly signed, for the right issuer and audience, alive, with these claims and no others.</summary>
    public static string Signed(Dictionary<string, object> claims) => Sign(claims, TimeSpan.FromMinutes(10));

    /// <summary>The service whose test-signed token authorizes this request (a stand-in peer checking its caller), when the
    /// token is for <paramref name="audience"/> (any, when null); null for anything else.</summary>
    public static string? CallingService(HttpRequest request, string? audience = null) =>
        ValidClaims(request, audience)?.GetValueOrDefault(AgentCloudClaims.Service) as string;

    /// <summary>The user (tenant and user id) whose test-signed token authorizes this request; null for anything else.</summary>
    public static (Guid TenantId, Guid UserId)? CallingUser(HttpRequest request) =>
        ValidClaims(request, Audience) is { } claims
            && Guid.TryParse(claims.GetValueOrDefault(AgentCloudClaims.Tenant) as string, out var tenantId)
            && Guid.TryParse(claims.GetValueOrDefault(AgentCloudClaims.Subject) as string, out var userId)
            ? (tenantId, userId) : null;

    /// <summary>The claims of the request's bearer token when it is test-signed and for <paramref name="audience"/> (any, when null).</summary>
    static Dictionary<string, object>? ValidClaims(HttpRequest request, string? audience)
    {
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            return null;
        }
        var result = Handler.ValidateTokenAsync(header[7..], new TokenValidationParameters
        {
            ValidIssuer = Issuer,
            ValidateAudience = audience is not null,
            ValidAudience = audience,
            IssuerSigningKey = Key,
        }).GetAwaiter().GetResult(); // a symmetric key: completes synchronously
        return result.IsValid ? new(result.Claims) : null;
    }

    /// <summary>Sets <c>Authorization: Bearer</c> on every request of this client.</summary>
    public static HttpClient WithToken(this HttpClient client, string token)
    {
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    static Dictionary<string, object> UserClaims(Guid tenantId, Guid userId, IEnumerable<string> roles, IEnumerable<Guid> teamIds) => new()
    {
        [AgentCloudClaims.Subject] = userId.ToString(),
        [AgentCloudClaims.Tenant] = tenantId.ToString(),
        [AgentCloudClaims.Roles] = roles.ToArray(),
        [AgentCloudClaims.Teams] = teamIds.Select(t => t.ToString()).ToArray(),
    };

    static string Sign(Dictionary<string, object> claims, TimeSpan lifetime, SecurityKey? key = null, string issuer = Issuer,
        string[]? audiences = null)
    {
        var now = DateTime.UtcNow;
        claims.TryAdd(AgentCloudClaims.Audience, audiences is [var single] ? single : audiences ?? (object)Audience);
        claims[AgentCloudClaims.TokenId] = Guid.NewGuid().ToString("N");
        return Handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            IssuedAt = lifetime > TimeSpan.Zero ? now : now.Add(lifetime).AddMinutes(-5),
            Expires = now.Add(lifetime),
            Claims = claims,
            SigningCredentials = new SigningCredentials(key ?? Key, SecurityAlgorithms.HmacSha256),
        });
    }
}
