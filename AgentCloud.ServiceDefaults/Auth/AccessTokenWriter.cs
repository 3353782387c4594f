using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;

namespace AgentCloud.ServiceDefaults.Auth;

public sealed record IssuedToken(string AccessToken, DateTimeOffset ExpiresAt);

/// <summary>Mints the platform's HS256 access tokens: user tokens (sub, tid, teams, roles) and service tokens (svc only).</summary>
public sealed class AccessTokenWriter(SigningKeyProvider keys, IOptions<AuthOptions> options, TimeProvider time)
{
    public async ValueTask<IssuedToken> CreateUserTokenAsync(
        Guid userId, Guid tenantId, IEnumerable<Guid> teamIds, IEnumerable<string> roles, CancellationToken cancellationToken = default)
    {
        var payload = new JsonObject
        {
            [AgentCloudClaims.Subject] = userId.ToString(),
            [AgentCloudClaims.Tenant] = tenantId.ToString(),
            [AgentCloudClaims.Teams] = new JsonArray([.. teamIds.Select(t => JsonValue.Create(t.ToString()))]),
            [AgentCloudClaims.Roles] = new JsonArray([.. roles.Select(r => JsonValue.Create(r))]),
        };
        return await SignAsync(payload, options.Value.AccessTokenLifetime, cancellationToken);
    }

    public async ValueTask<IssuedToken> CreateServiceTokenAsync(string serviceName, CancellationToken cancellationToken = default) =>
        await SignAsync(new JsonObject { [AgentCloudClaims.Service] = serviceName }, options.Value.ServiceTokenLifetime, cancellationToken);

    async ValueTask<IssuedToken> SignAsync(JsonObject payload, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var expires = now + lifetime;
        payload[AgentCloudClaims.Issuer] = options.Value.Issuer;
        payload[AgentCloudClaims.Audience] = options.Value.Audience;
        payload[AgentCloudClaims.IssuedAt] = now.ToUnixTimeSeconds();
        payload[AgentCloudClaims.NotBefore] = now.ToUnixTimeSeconds();
        payload[AgentCloudClaims.Expires] = expires.ToUnixTimeSeconds();
        payload[AgentCloudClaims.TokenId] = Guid.NewGuid().ToString("N");
        return new IssuedToken(JsonWebToken.SignHs256(payload, await keys.GetKeyAsync(cancellationToken)), expires);
    }
}
