using System.Net.Http.Json;
using AgentCloud.ServiceDefaults.Secrets;
using Microsoft.Extensions.Options;

namespace AgentCloud.ServiceDefaults.Auth;

/// <summary>This service's own token for calls to other services, cached until a minute before it expires.</summary>
public abstract class ServiceTokenSource(TimeProvider time)
{
    protected TimeProvider Time { get; } = time;

    readonly SemaphoreSlim _gate = new(1, 1);
    IssuedToken? _current;

    public async ValueTask<string> GetTokenAsync(CancellationToken cancellationToken = default)
    {
        if (_current is { } fresh && fresh.ExpiresAt - Time.GetUtcNow() > TimeSpan.FromMinutes(1))
        {
            return fresh.AccessToken;
        }
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_current is not { } token || token.ExpiresAt - Time.GetUtcNow() <= TimeSpan.FromMinutes(1))
            {
                _current = token = await IssueAsync(cancellationToken);
            }
            return token.AccessToken;
        }
        finally
        {
            _gate.Release();
        }
    }

    protected abstract ValueTask<IssuedToken> IssueAsync(CancellationToken cancellationToken);
}

/// <summary>Client credentials against <see cref="AuthOptions.ServiceTokenEndpoint"/> (the agents service).</summary>
public sealed class RemoteServiceTokenSource(
    IHttpClientFactory httpClients, ISecretStore secrets, IOptions<AuthOptions> options, TimeProvider time) : ServiceTokenSource(time)
{
    public const string HttpClientName = "agentcloud-service-token";

    protected override async ValueTask<IssuedToken> IssueAsync(CancellationToken cancellationToken)
    {
        var service = options.Value.ServiceName ?? throw new InvalidOperationException("Auth:ServiceName (or OTEL_SERVICE_NAME) is not set.");
        var secret = await secrets.GetRequiredSecretAsync(ServiceClients.SecretName(service), cancellationToken);
        using var response = await httpClients.CreateClient(HttpClientName)
            .PostAsJsonAsync(options.Value.ServiceTokenEndpoint, new ServiceTokenRequest(service, secret), cancellationToken);
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
    protected override ValueTask<IssuedToken> IssueAsync(CancellationToken cancellationToken) =>
        writer.CreateServiceTokenAsync(options.Value.ServiceName ?? "agents", cancellationToken);
}

public sealed record ServiceTokenRequest(string ClientId, string ClientSecret);

public sealed record ServiceTokenResponse(string AccessToken, string TokenType, int ExpiresIn);
