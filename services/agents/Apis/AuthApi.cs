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

/// <summary>Local sign-in, refresh-token rotation, and API keys traded for access tokens. All anonymous, rate-limited per IP.</summary>
public static class AuthApi
{
    public const string SignInRateLimit = "sign-in";

    // Verified when the email is unknown, so a miss costs the same time as a wrong password.
    static readonly string DummyHash = new PasswordHasher<User>().HashPassword(null!, "no-such-user-password");

    public static IEndpointRouteBuilder MapAuthApi(this IEndpointRouteBuilder app)
    {
        var auth = app.MapGroup("/auth").WithTags("Auth").AllowAnonymous().RequireRateLimiting(SignInRateLimit);
        auth.MapPost("/token", SignIn).WithName("SignIn").WithSummary("Sign in with email and password");
        auth.MapPost("/refresh", Refresh).WithName("RefreshToken").WithSummary("Trade a refresh token for new tokens (rotated)");
        auth.MapPost("/api-key-token", SignInWithApiKey).WithName("SignInWithApiKey").WithSummary("Trade a tenant API key for an access token");
        return app;
    }

    public static async Task<Results<Ok<TokenResponse>, ProblemHttpResult, ValidationProblem>> SignIn(
        SignInRequest? request, AgentsDbContext db, PasswordHasher<User> hasher, SignInThrottle throttle, UserTokenIssuer issuer,
        CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request?.Email) || string.IsNullOrEmpty(request.Password) || request.Email.Length > 320 || request.Password.Length > 200)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["email"] = ["email and password are required."] });
        }
        if (!throttle.TryAcquire(request.Email))
        {
            return TooManyAttempts();
        }
        var email = request.Email.Trim().ToLowerInvariant();
        var user = await db.Users.IgnoreQueryFilters().FirstOrDefaultAsync(u => u.Email.ToLower() == email, cancellationToken);
        var result = hasher.VerifyHashedPassword(user!, user?.PasswordHash ?? DummyHash, request.Password);
        if (user?.PasswordHash is null || result == PasswordVerificationResult.Failed)
        {
            return InvalidCredentials("Invalid email or password.");
        }
        if (result == PasswordVerificationResult.SuccessRehashNeeded)
        {
            user.PasswordHash = hasher.HashPassword(user, request.Password);
        }
        return TypedResults.Ok(await issuer.IssueAsync(db, user, familyId: null, cancellationToken));
    }

    public static async Task<Results<Ok<TokenResponse>, ProblemHttpResult, ValidationProblem>> Refresh(
        RefreshRequest? request, AgentsDbContext db, UserTokenIssuer issuer, TimeProvider time, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(request?.RefreshToken) || request.RefreshToken.Length > 200)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["refreshToken"] = ["refreshToken is required."] });
        }
        var hash = OpaqueTokens.Hash(request.RefreshToken);
        var now = time.GetUtcNow();
        var stored = await db.RefreshTokens.IgnoreQueryFilters().AsNoTracking().FirstOrDefaultAsync(t => t.TokenHash == hash, cancellationToken);
        if (stored is null || stored.RevokedAt is not null || stored.ExpiresAt <= now)
        {
            return InvalidCredentials("Invalid refresh token.");
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
            return InvalidCredentials("Invalid refresh token.");
        }
        var user = await db.Users.IgnoreQueryFilters().FirstOrDefaultAsync(u => u.Id == stored.UserId, cancellationToken);
        return user is null
            ? InvalidCredentials("Invalid refresh token.")
            : TypedResults.Ok(await issuer.IssueAsync(db, user, stored.FamilyId, cancellationToken));
    }

    public static async Task<Results<Ok<TokenResponse>, ProblemHttpResult, ValidationProblem>> SignInWithApiKey(
        ApiKeySignInRequest? request, AgentsDbContext db, AccessTokenWriter writer, IOptions<AuthOptions> options, CancellationToken cancellationToken)
    {
        if (ApiKeyFormat.Split(request?.ApiKey) is not { } parts)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["apiKey"] = ["apiKey is required and must be a key this service issued."] });
        }
        var key = await db.ApiKeys.IgnoreQueryFilters().AsNoTracking().FirstOrDefaultAsync(k => k.Prefix == parts.Prefix, cancellationToken);
        if (key is null || key.RevokedAt is not null || !CryptographicOperations.FixedTimeEquals(key.KeyHash, OpaqueTokens.Hash(request!.ApiKey!)))
        {
            return InvalidCredentials("Invalid API key.");
        }
        var token = await writer.CreateUserTokenAsync(key.Id, key.TenantId, [], key.Roles, cancellationToken);
        return TypedResults.Ok(new TokenResponse(token.AccessToken, "Bearer", (int)options.Value.AccessTokenLifetime.TotalSeconds, null));
    }

    static ProblemHttpResult InvalidCredentials(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Sign-in failed", detail: detail);

    static ProblemHttpResult TooManyAttempts() =>
        TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many sign-in attempts", detail: "Try again later.");
}
