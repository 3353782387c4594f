using System.Collections.Concurrent;
using System.Net.Http.Json;
using AgentCloud.ServiceDefaults.Secrets;
using Microsoft.Extensions.Options;

namespace AgentCloud.ServiceDefaults.Auth;

/// <summary>
/// This service's own token for calls to another service, one per target (the token's audience), each cached until a
/// minute before it expires.
/// </summary>
public abstract class ServiceTokenSource(TimeProvider time)
{
    protected TimeProvider Time { get; } = time;

    readonly SemaphoreSlim _gate = new(1, 1);
    readonly ConcurrentDictionary<string, IssuedToken> _byAudience = new(StringComparer.Ordinal);

    /// <param name="audience">The service the token is for, e.g. <c>billing</c>.</param>
    public async ValueTask<string> GetTokenAsync(string audience, CancellationToken cancellationToken = default)
    {
        if (_byAudience.TryGetValue(audience, out var fresh) && IsFresh(fresh))
        {
            return fresh.AccessToken;
        }
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (!_byAudience.TryGetValue(audience, out var token) || !IsFresh(token))
            {
                _byAudience[audience] = token = await IssueAsync(audience, cancellationToken);
            }
            return token.AccessToken;
        }
        finally
        {
            _gate.Release();
        }
    }

    bool IsFresh(IssuedToken token) => token.ExpiresAt - Time.GetUtcNow() > TimeSpan.FromMinutes(1);

    protected abstract ValueTask<IssuedToken> IssueAsync(string audience, CancellationToken cancellationToken);
}

/// <summary>Client credentials against <see cref="AuthOptions.ServiceTokenEndpoint"/> (the agents service).</summary>
public sealed class RemoteServiceTokenSource(
    IHttpClientFactory httpClients, ISecretStore secrets, IOptions<AuthOptions> options, TimeProvider time) : ServiceTokenSource(time)
{
    public const string HttpClientName = "agentcloud-service-token";

    protected override async ValueTask<IssuedToken> IssueAsync(string audience, CancellationToken cancellationToken)
    {
        var service = options.Value.ServiceName ?? throw new InvalidOperationException("Auth:ServiceName (or OTEL_SERVICE_NAME) is not set.");
        var secret = await secrets.GetRequiredSecretAsync(ServiceClients.SecretName(service), cancellationToken);
        using var response = await httpClients.CreateClient(HttpClientName)
            .PostAsJsonAsync(options.Value.ServiceTokenEndpoint, new ServiceTokenRequest(service, secret, audience), cancellationToken);
        response.EnsureSuccessStatusCode();
        var issued = await response.Content.ReadFromJsonAsync<ServiceTokenResponse>(cancellationToken)
            ?? throw new InvalidOperationException("The service-token endpoint answered with no body.");
        return new IssuedToken(issued.AccessToken, Time.GetUtcNow().AddSeconds(issued.ExpiresIn));
    }
}

/// <summary>Used by the agents service, which issues tokens itself: no call to itself.</summary>
public sealed class LocalServiceTokenSource(AccessTokenWriter writer, IOptions<AuthOptions> options, TimeProvider time)
    : ServiceTokenSource(time)
{
    protected override ValueTask<IssuedToken> IssueAsync(string audience, CancellationToken cancellationToken) =>
        writer.CreateServiceTokenAsync(options.Value.ServiceName ?? "agents", audience, cancellationToken);
}

/// <param name="Audience">The service the token is for: one of <see cref="ServiceClients.Known"/>.</param>
public sealed record ServiceTokenRequest(string ClientId, string ClientSecret, string Audience);

public sealed record ServiceTokenResponse(string AccessToken, string TokenType, int ExpiresIn);
