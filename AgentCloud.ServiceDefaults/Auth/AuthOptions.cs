namespace AgentCloud.ServiceDefaults.Auth;

/// <summary>
/// The <c>Auth</c> configuration section. Locally every token is HS256-signed with the secret store's
/// <c>JwtSigningKey</c> by the agents service. Setting <see cref="Authority"/> additionally trusts an external OIDC
/// issuer's RS256 user tokens (keys from its discovery document); service tokens stay local.
/// <para>Audiences: user tokens carry <see cref="Audience"/> (every service accepts them); a service token carries the
/// name of the one service it is for, and only that service (its <see cref="ServiceName"/>) accepts it.</para>
/// </summary>
public sealed class AuthOptions
{
    public const string Section = "Auth";

    public string Issuer { get; set; } = "agentcloud";

    /// <summary>The audience of user tokens (service tokens name their target service instead).</summary>
    public string Audience { get; set; } = "agentcloud";

    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(15);

    public TimeSpan ServiceTokenLifetime { get; set; } = TimeSpan.FromMinutes(15);

    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>External OIDC issuer (e.g. https://login.example.com/realms/agentcloud); null = local tokens only.</summary>
    public string? Authority { get; set; }

    /// <summary>Audience the external issuer puts in its tokens; defaults to <see cref="Audience"/>.</summary>
    public string? AuthorityAudience { get; set; }

    /// <summary>This service's client id for client credentials and the audience of the service tokens it accepts;
    /// defaults to OTEL_SERVICE_NAME (the AppHost's resource name).</summary>
    public string? ServiceName { get; set; }

    /// <summary>Where services trade their client secret for a service token.</summary>
    public string ServiceTokenEndpoint { get; set; } = "http://agents/auth/service-token";

    /// <summary>When false, endpoints without their own policy are anonymous (the web app, which has its own session).</summary>
    public bool RequireAuthenticatedCaller { get; set; } = true;
}
