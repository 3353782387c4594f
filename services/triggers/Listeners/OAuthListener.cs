using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Serialization;
using AgentCloud.Contracts.Credentials;
using AgentCloud.Triggers.Clients;

namespace AgentCloud.Triggers.Listeners;

/// <summary>
/// A listener calling an OAuth API (Gmail, HubSpot) with a bearer token from its credential. The credential holds an
/// <c>access_token</c>, or a <c>refresh_token</c> with <c>client_id</c> and <c>client_secret</c> that this listener
/// trades at the provider's token endpoint for access tokens (kept until a minute before they expire; never written
/// back). A 401 renews the token, or fetches the credential again, and retries once.
/// </summary>
public abstract class OAuthListener(CredentialsClient credentials, HttpClient http, string tokenUrl) : Listener(credentials)
{
    sealed record TokenResponse([property: JsonPropertyName("access_token")] string AccessToken, [property: JsonPropertyName("expires_in")] int? ExpiresIn);

    string? _token;
    DateTimeOffset _expiresAt;
    DateTimeOffset _tokenFor;

    protected HttpClient Http => http;

    protected async Task<HttpResponseMessage> SendAsync(ListenerPoll poll, Func<HttpRequestMessage> build, string what, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var credential = await CredentialAsync(poll, refresh: attempt > 0, cancellationToken);
            using var request = build();
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync(credential, renew: attempt > 0, cancellationToken));
            var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (response.StatusCode == HttpStatusCode.Unauthorized && attempt == 0)
            {
                response.Dispose();
                continue;
            }
            if (response.StatusCode == HttpStatusCode.Unauthorized)
            {
                response.Dispose();
                throw new ListenerException($"{what} refused the credential's token (401) even after renewing it.");
            }
            return response;
        }
    }

    async Task<string> TokenAsync(CredentialSecret credential, bool renew, CancellationToken cancellationToken)
    {
        var refreshToken = Field(credential, "refresh_token");
        if (refreshToken is null)
        {
            return Field(credential, "access_token") ?? Field(credential, "token")
                ?? throw new ListenerException("The credential has neither access_token nor refresh_token.");
        }
        if (!renew && _token is not null && _tokenFor == credential.UpdatedAt && _expiresAt > DateTimeOffset.UtcNow.AddMinutes(1))
        {
            return _token;
        }
        using var response = await http.PostAsync(tokenUrl, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token",
            ["refresh_token"] = refreshToken,
            ["client_id"] = Field(credential, "client_id") ?? "",
            ["client_secret"] = Field(credential, "client_secret") ?? "",
        }), cancellationToken);
        EnsureSuccess(response, "The token endpoint");
        var issued = await response.Content.ReadFromJsonAsync<TokenResponse>(cancellationToken)
            ?? throw new ListenerException("The token endpoint answered no token.");
        (_token, _expiresAt, _tokenFor) = (issued.AccessToken, DateTimeOffset.UtcNow.AddSeconds(issued.ExpiresIn ?? 3600), credential.UpdatedAt);
        return _token;
    }
}
