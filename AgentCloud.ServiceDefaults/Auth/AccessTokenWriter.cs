using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AgentCloud.ServiceDefaults.Auth;

public sealed record IssuedToken(string AccessToken, DateTimeOffset ExpiresAt);

/// <summary>
/// Mints the platform's HS256 access tokens: user tokens (sub, tid, teams, roles; audience <see cref="AuthOptions.Audience"/>)
/// and service tokens (svc only; audience the one service it is for).
/// </summary>
public sealed class AccessTokenWriter(SigningKeyProvider keys, IOptions<AuthOptions> options, TimeProvider time)
{
    static readonly JsonWebTokenHandler Handler = new() { SetDefaultTimesOnTokenCreation = false };

    public async ValueTask<IssuedToken> CreateUserTokenAsync(
        Guid userId, Guid tenantId, IEnumerable<Guid> teamIds, IEnumerable<string> roles, CancellationToken cancellationToken = default) =>
        await SignAsync(new Dictionary<string, object>
        {
            [AgentCloudClaims.Subject] = userId.ToString(),
            [AgentCloudClaims.Tenant] = tenantId.ToString(),
            [AgentCloudClaims.Teams] = teamIds.Select(t => t.ToString()).ToArray(),
            [AgentCloudClaims.Roles] = roles.ToArray(),
        }, options.Value.Audience, options.Value.AccessTokenLifetime, cancellationToken);

    /// <param name="audience">The service that will accept it (a token for billing is refused by credentials).</param>
    public async ValueTask<IssuedToken> CreateServiceTokenAsync(string serviceName, string audience, CancellationToken cancellationToken = default) =>
        await SignAsync(new Dictionary<string, object> { [AgentCloudClaims.Service] = serviceName },
            audience, options.Value.ServiceTokenLifetime, cancellationToken);

    async ValueTask<IssuedToken> SignAsync(Dictionary<string, object> claims, string audience, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        claims[AgentCloudClaims.TokenId] = Guid.NewGuid().ToString("N");
        var token = Handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = options.Value.Issuer,
            Audience = audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = (now + lifetime).UtcDateTime,
            Claims = claims,
            SigningCredentials = new SigningCredentials(await keys.GetSecurityKeyAsync(cancellationToken), SecurityAlgorithms.HmacSha256),
        });
        return new IssuedToken(token, now + lifetime);
    }
}
