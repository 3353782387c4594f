using System.Text.Json;
using AgentCloud.ServiceDefaults.Auth;

namespace AgentCloud.ToolGateway.Execution;

/// <summary>
/// What the approval grant and the call context share: a compact JWS (HS256) with a key derived from the platform's
/// signing key for that kind of statement alone, issued by the agents service for the tool gateway, short-lived.
/// </summary>
public sealed class SignedStatements(SigningKeyProvider keys, TimeProvider time)
{
    static readonly TimeSpan Skew = TimeSpan.FromSeconds(30);

    public async ValueTask<SignedStatement> ReadAsync(string token, Func<byte[], byte[]> deriveKey, string issuer, string audience,
        TimeSpan maxLifetime, CancellationToken cancellationToken)
    {
        var parsed = JsonWebToken.Parse(token);
        if (parsed is null || parsed.Algorithm != "HS256")
        {
            return new(StatementProblem.Malformed, default);
        }
        if (!parsed.HasValidHs256Signature(deriveKey(await keys.GetKeyAsync(cancellationToken))))
        {
            return new(StatementProblem.BadSignature, default);
        }
        var statement = new SignedStatement(StatementProblem.None, parsed.Payload);
        if (statement.Text("iss") != issuer || statement.Text("aud") != audience)
        {
            return statement with { Problem = StatementProblem.WrongParties };
        }
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
