using System.Text.Json;
using AgentCloud.ServiceDefaults.Auth;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AgentCloud.ToolGateway.Execution;

/// <summary>
/// What the approval grant and the call context share: a compact JWS (HS256) with a key derived from the platform's
/// signing key for that kind of statement alone, issued by the agents service for the tool gateway, short-lived.
/// The signature, algorithm and parties are checked by <see cref="JsonWebTokenHandler"/>; the lifetime here, because
/// an expired statement and one that claims too long a life are told apart (a call context past its expiry is ignored,
/// an over-long one refuses the call).
/// </summary>
public sealed class SignedStatements(SigningKeyProvider keys, TimeProvider time)
{
    static readonly TimeSpan Skew = TimeSpan.FromSeconds(30);
    static readonly JsonWebTokenHandler Handler = new();

    public async ValueTask<SignedStatement> ReadAsync(string token, Func<byte[], byte[]> deriveKey, string issuer, string audience,
        TimeSpan maxLifetime, CancellationToken cancellationToken)
    {
        var result = await Handler.ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = issuer,
            ValidAudience = audience,
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            IssuerSigningKey = new SymmetricSecurityKey(deriveKey(await keys.GetKeyAsync(cancellationToken))),
            ValidateLifetime = false,
            RequireExpirationTime = false,
        });
        if (!result.IsValid)
        {
            return new(result.Exception switch
            {
                SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => StatementProblem.BadSignature,
                SecurityTokenInvalidIssuerException or SecurityTokenInvalidAudienceException => StatementProblem.WrongParties,
                _ => StatementProblem.Malformed,
            }, default);
        }
        var statement = new SignedStatement(StatementProblem.None,
            JsonDocument.Parse(Base64UrlEncoder.DecodeBytes(((JsonWebToken)result.SecurityToken).EncodedPayload)).RootElement);
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        if (statement.Number("exp") is not { } expires || statement.Number("iat") is not { } issued
            || expires - issued > maxLifetime.TotalSeconds || issued - Skew.TotalSeconds > now)
        {
            return statement with { Problem = StatementProblem.BadLifetime };
        }
        return expires + Skew.TotalSeconds <= now ? statement with { Problem = StatementProblem.Expired } : statement;
    }
}

public enum StatementProblem { None, Malformed, BadSignature, WrongParties, BadLifetime, Expired }

/// <summary>A statement's claims, and what is wrong with it (<see cref="StatementProblem.None"/>: nothing).</summary>
public readonly record struct SignedStatement(StatementProblem Problem, JsonElement Claims)
{
    public string? Text(string name) =>
        Claims.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    public long? Number(string name) =>
        Claims.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var n) ? n : null;
}
