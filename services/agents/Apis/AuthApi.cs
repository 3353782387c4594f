using System.Security.Cryptography;
using AgentCloud.Agents.Identity;
using AgentCloud.Agents.Infrastructure;
using AgentCloud.Agents.Model;
using AgentCloud.ServiceDefaults.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AgentCloud.Agents.Apis;

public sealed record SignInRequest(string? Email, string? Password);

public sealed record RefreshRequest(string? RefreshToken);

public sealed record ApiKeySignInRequest(string? ApiKey);

/// <summary>
/// Local sign-in, refresh-token rotation, and API keys traded for access tokens. All anonymous; failed attempts are
/// throttled per account and per client address (<see cref="FailedAttemptThrottle"/>).
/// </summary>
public static class AuthApi
{
    // Verified when the email is unknown, so a miss costs the same time as a wrong password.
    static readonly string DummyHash = new PasswordHasher<User>().HashPassword(null!, "no-such-user-password");

    public static IEndpointRouteBuilder MapAuthApi(this IEndpointRouteBuilder app)
    {
        var auth = app.MapGroup("/auth").WithTags("Auth").AllowAnonymous();
        auth.MapPost("/token", SignIn).WithName("SignIn").WithSummary("Sign in with email and password");
        auth.MapPost("/refresh", Refresh).WithName("RefreshToken").WithSummary("Trade a refresh token for new tokens (rotated)");
        auth.MapPost("/api-key-token", SignInWithApiKey).WithName("SignInWithApiKey").WithSummary("Trade a tenant API key for an access token");
        return app;
    }

    public static async Task<Results<Ok<TokenResponse>, ProblemHttpResult, ValidationProblem>> SignIn(
        SignInRequest? request, AgentsDbContext db, PasswordHasher<User> hasher, FailedAttemptThrottle throttle, UserTokenIssuer issuer,
        HttpContext http, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request?.Email) || string.IsNullOrEmpty(request.Password) || request.Email.Length > 320 || request.Password.Length > 200)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["email"] = ["email and password are required."] });
        }
        var (account, address) = (throttle.Account(request.Email), throttle.Address(http));
        if (throttle.RetryAfter(account, address) is { } wait)
        {
            return FailedAttemptThrottle.TooManyAttempts(http, wait);
        }
        var email = request.Email.Trim().ToLowerInvariant();
        var user = await db.Users.IgnoreQueryFilters().FirstOrDefaultAsync(u => u.Email.ToLower() == email, cancellationToken);
        var result = hasher.VerifyHashedPassword(user!, user?.PasswordHash ?? DummyHash, request.Password);
        if (user?.PasswordHash is null || result == PasswordVerificationResult.Failed)
        {
            return Refused(throttle, "Invalid email or password.", account, address);
        }
        throttle.Forget(account);
        if (result == PasswordVerificationResult.SuccessRehashNeeded)
        {
            user.PasswordHash = hasher.HashPassword(user, request.Password);
        }
        return TypedResults.Ok(await issuer.IssueAsync(db, user, familyId: null, cancellationToken));
    }

    public static async Task<Results<Ok<TokenResponse>, ProblemHttpResult, ValidationProblem>> Refresh(
        RefreshRequest? request, AgentsDbContext db, UserTokenIssuer issuer, TimeProvider time, FailedAttemptThrottle throttle,
        HttpContext http, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(request?.RefreshToken) || request.RefreshToken.Length > 200)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["refreshToken"] = ["refreshToken is required."] });
        }
        var address = throttle.Address(http);
        if (throttle.RetryAfter(address) is { } wait)
        {
            return FailedAttemptThrottle.TooManyAttempts(http, wait);
        }
        var hash = OpaqueTokens.Hash(request.RefreshToken);
        var now = time.GetUtcNow();
        var stored = await db.RefreshTokens.IgnoreQueryFilters().AsNoTracking().FirstOrDefaultAsync(t => t.TokenHash == hash, cancellationToken);
        if (stored is null || stored.RevokedAt is not null || stored.ExpiresAt <= now)
        {
            return Refused(throttle, "Invalid refresh token.", address);
        }
        // Exactly one use: a second use (a stolen copy, or a replay) revokes the whole family.
        var claimed = await db.RefreshTokens.IgnoreQueryFilters()
            .Where(t => t.Id == stored.Id && t.UsedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.UsedAt, now), cancellationToken);
        if (claimed == 0)
        {
            await db.RefreshTokens.IgnoreQueryFilters()
                .Where(t => t.FamilyId == stored.FamilyId && t.RevokedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedAt, now), cancellationToken);
            return Refused(throttle, "Invalid refresh token.", address);
        }
        var user = await db.Users.IgnoreQueryFilters().FirstOrDefaultAsync(u => u.Id == stored.UserId, cancellationToken);
        return user is null ? Refused(throttle, "Invalid refresh token.", address) : TypedResults.Ok(await issuer.IssueAsync(db, user, stored.FamilyId, cancellationToken));
    }

    public static async Task<Results<Ok<TokenResponse>, ProblemHttpResult, ValidationProblem>> SignInWithApiKey(
        ApiKeySignInRequest? request, AgentsDbContext db, AccessTokenWriter writer, IOptions<AuthOptions> options,
        FailedAttemptThrottle throttle, HttpContext http, CancellationToken cancellationToken)
    {
        if (ApiKeyFormat.Split(request?.ApiKey) is not { } parts)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["apiKey"] = ["apiKey is required and must be a key this service issued."] });
        }
        var address = throttle.Address(http);
        if (throttle.RetryAfter(address) is { } wait)
        {
            return FailedAttemptThrottle.TooManyAttempts(http, wait);
        }
        var key = await db.ApiKeys.IgnoreQueryFilters().AsNoTracking().FirstOrDefaultAsync(k => k.Prefix == parts.Prefix, cancellationToken);
        if (key is null || key.RevokedAt is not null || !CryptographicOperations.FixedTimeEquals(key.KeyHash, OpaqueTokens.Hash(request!.ApiKey!)))
        {
            return Refused(throttle, "Invalid API key.", address);
        }
        var token = await writer.CreateUserTokenAsync(key.Id, key.TenantId, [], key.Roles, cancellationToken);
        return TypedResults.Ok(new TokenResponse(token.AccessToken, "Bearer", (int)options.Value.AccessTokenLifetime.TotalSeconds, null));
    }

    /// <summary>The 401 of a failed attempt, counted against <paramref name="keys"/>.</summary>
    static ProblemHttpResult Refused(FailedAttemptThrottle throttle, string detail, params ReadOnlySpan<AttemptKey> keys)
    {
        throttle.RecordFailure(keys);
        return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Sign-in failed", detail: detail);
    }
}
