using System.Buffers.Text;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace AgentCloud.ServiceDefaults.Auth;

/// <summary>
/// The external issuer's RSA keys from <c>{Authority}/.well-known/openid-configuration</c> → <c>jwks_uri</c>,
/// refreshed hourly and when a token names an unknown key id.
/// </summary>
public sealed class OidcKeySource(IHttpClientFactory httpClients, IOptions<AuthOptions> options, TimeProvider time)
{
    readonly SemaphoreSlim _refresh = new(1, 1);
    Metadata? _metadata;

    public async ValueTask<string> GetIssuerAsync(CancellationToken cancellationToken) =>
        (await GetAsync(forceRefresh: false, cancellationToken)).Issuer;

    public async ValueTask<RSA?> FindKeyAsync(string? keyId, CancellationToken cancellationToken)
    {
        var metadata = await GetAsync(forceRefresh: false, cancellationToken);
        if (keyId is not null && !metadata.Keys.ContainsKey(keyId) && time.GetUtcNow() - metadata.FetchedAt > TimeSpan.FromMinutes(1))
        {
            metadata = await GetAsync(forceRefresh: true, cancellationToken);
        }
        return keyId is null ? metadata.Keys.Values.FirstOrDefault() : metadata.Keys.GetValueOrDefault(keyId);
    }

    async ValueTask<Metadata> GetAsync(bool forceRefresh, CancellationToken cancellationToken)
    {
        if (_metadata is { } current && !forceRefresh && time.GetUtcNow() - current.FetchedAt < TimeSpan.FromHours(1))
        {
            return current;
        }
        await _refresh.WaitAsync(cancellationToken);
        try
        {
            var authority = options.Value.Authority?.TrimEnd('/') ?? throw new InvalidOperationException("Auth:Authority is not set.");
            var http = httpClients.CreateClient(nameof(OidcKeySource));
            var discovery = await http.GetFromJsonAsync<JsonElement>($"{authority}/.well-known/openid-configuration", cancellationToken);
            var jwks = await http.GetFromJsonAsync<JsonElement>(discovery.GetProperty("jwks_uri").GetString(), cancellationToken);
            var keys = new Dictionary<string, RSA>();
            foreach (var key in jwks.GetProperty("keys").EnumerateArray())
            {
                if (key.TryGetProperty("kty", out var kty) && kty.GetString() == "RSA")
                {
                    var rsa = RSA.Create();
                    rsa.ImportParameters(new RSAParameters
                    {
                        Modulus = Base64Url.DecodeFromChars(key.GetProperty("n").GetString()),
                        Exponent = Base64Url.DecodeFromChars(key.GetProperty("e").GetString()),
                    });
                    keys[key.TryGetProperty("kid", out var kid) ? kid.GetString() ?? "" : ""] = rsa;
                }
            }
            return _metadata = new Metadata(discovery.GetProperty("issuer").GetString()!, keys, time.GetUtcNow());
        }
        finally
        {
            _refresh.Release();
        }
    }

    sealed record Metadata(string Issuer, Dictionary<string, RSA> Keys, DateTimeOffset FetchedAt);
}
