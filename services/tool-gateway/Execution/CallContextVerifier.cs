using System.Text.Json;
using AgentCloud.Contracts.Tools;

namespace AgentCloud.ToolGateway.Execution;

/// <summary>
/// Reads a <see cref="CallContext"/>: the user's permissions as the agents service signed them for this very tenant,
/// user and location. <see cref="Verified.Permissions"/> is null when the context has expired (ask the directory);
/// <see cref="Verified.Refusal"/> says why one that cannot be trusted refuses the call.
/// </summary>
public sealed class CallContextVerifier(SignedStatements statements)
{
    public sealed record Verified(IReadOnlySet<string>? Permissions, string? Refusal);

    public async ValueTask<Verified> VerifyAsync(string context, Guid tenantId, Guid userId, Guid? locationId, CancellationToken cancellationToken)
    {
        var statement = await statements.ReadAsync(context, CallContext.DeriveKey, CallContext.Issuer, CallContext.Audience,
            CallContext.MaxLifetime, cancellationToken);
        return statement.Problem switch
        {
            StatementProblem.Expired => new(null, null),
            StatementProblem.Malformed or StatementProblem.BadSignature => Refused("it is malformed or its signature is not valid"),
            StatementProblem.WrongParties => Refused("it was not issued by the agents service for the tool gateway"),
            StatementProblem.BadLifetime => Refused($"its lifetime is not within {CallContext.MaxLifetime.TotalMinutes:0} minutes of now"),
            _ when statement.Text("tid") != tenantId.ToString() || statement.Text("sub") != userId.ToString()
                || statement.Text("loc") != locationId?.ToString() => Refused("it was issued for another tenant, user or location"),
            _ when !statement.Claims.TryGetProperty("perms", out var granted) || granted.ValueKind != JsonValueKind.Array
                || granted.EnumerateArray().Any(p => p.ValueKind != JsonValueKind.String) => Refused("it lists no permissions"),
            _ => new(statement.Claims.GetProperty("perms").EnumerateArray().Select(p => p.GetString()!).ToHashSet(StringComparer.Ordinal), null),
        };
    }

    static Verified Refused(string why) => new(null, $"The call context cannot be used: {why}; nothing was done.");
}
