using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using AgentCloud.Web.Session;

namespace AgentCloud.Web.Services;

public sealed record UserProfile(Guid Id, string Email, string DisplayName, IReadOnlyList<string> Roles);

/// <summary>An outcome of signing in: the tokens and who they belong to, or why not.</summary>
public sealed record SignInOutcome(SessionTokens? Tokens, UserProfile? User, Guid TenantId, string? Error);

/// <summary>The agents service's token endpoints (sign-in, refresh), used before there is a session or to renew it.</summary>
public sealed class TokenClient(HttpClient http, TimeProvider time)
{
    sealed record TokenResponse(string AccessToken, int ExpiresIn, string? RefreshToken);

    sealed record WhoAmI(Guid? UserId, Guid TenantId);

    public async Task<SignInOutcome> SignInAsync(string email, string password, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsJsonAsync("/auth/token", new { email, password }, cancellationToken);
        if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            return new(null, null, Guid.Empty, "The email or password is not right.");
        }
        if (response.StatusCode == HttpStatusCode.TooManyRequests)
        {
            var wait = response.Headers.RetryAfter?.Delta is { } delta ? $" in {Math.Ceiling(delta.TotalSeconds):0} seconds" : " later";
            return new(null, null, Guid.Empty, $"Too many failed attempts. Try again{wait}.");
        }
        if (!response.IsSuccessStatusCode)
        {
            return new(null, null, Guid.Empty, (await ServiceProblem.FromAsync(response, cancellationToken)).Message);
        }
        var tokens = await ReadAsync(response, cancellationToken);
        var caller = await GetAsync<WhoAmI>("/auth/whoami", tokens.AccessToken, cancellationToken);
        if (caller.UserId is not { } userId)
        {
            return new(null, null, Guid.Empty, "This account cannot sign in here.");
        }
        var user = await GetAsync<UserProfile>($"/users/{userId}", tokens.AccessToken, cancellationToken);
        return new(tokens, user, caller.TenantId, null);
    }

    /// <summary>New tokens for a refresh token (it rotates), or null when it was refused.</summary>
    public async Task<SessionTokens?> RefreshAsync(string refreshToken, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsJsonAsync("/auth/refresh", new { refreshToken }, cancellationToken);
        return response.IsSuccessStatusCode ? await ReadAsync(response, cancellationToken) : null;
    }

    async Task<SessionTokens> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var token = (await response.Content.ReadFromJsonAsync<TokenResponse>(JsonSerializerOptions.Web, cancellationToken))!;
        return new(token.AccessToken, token.RefreshToken, time.GetUtcNow().AddSeconds(token.ExpiresIn));
    }

    async Task<T> GetAsync<T>(string url, string accessToken, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        using var response = await http.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw await ServiceProblem.FromAsync(response, cancellationToken);
        }
        return (await response.Content.ReadFromJsonAsync<T>(JsonSerializerOptions.Web, cancellationToken))!;
    }
}
