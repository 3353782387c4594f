using System.Text.Json;
using AgentCloud.Contracts.Tools;
using AgentCloud.ServiceDefaults.Auth;

namespace AgentCloud.ToolGateway.Execution;

/// <summary>Checks an <see cref="ApprovalGrant"/> against the call it must approve; returns why it is refused, or null.</summary>
public sealed class ApprovalGrantVerifier(SigningKeyProvider keys, TimeProvider time)
{
    static readonly TimeSpan Skew = TimeSpan.FromSeconds(30);

    public async ValueTask<string?> VerifyAsync(string? grant, Guid tenantId, string toolKey, string toolCallId, string argumentsHash,
        CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(grant))
        {
            return "This action requires a person's approval; no approval grant was given.";
        }
        var parsed = JsonWebToken.Parse(grant);
        if (parsed is null || parsed.Algorithm != "HS256")
        {
            return "The approval grant is malformed.";
        }
        if (!parsed.HasValidHs256Signature(ApprovalGrant.DeriveKey(await keys.GetKeyAsync(cancellationToken))))
        {
            return "The approval grant's signature is not valid.";
        }
        var claims = parsed.Payload;
        if (Text(claims, "iss") != ApprovalGrant.Issuer || Text(claims, "aud") != ApprovalGrant.Audience)
        {
            return "The approval grant was not issued by the agents service for the tool gateway.";
        }
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        if (Number(claims, "exp") is not { } expires || Number(claims, "iat") is not { } issued
            || expires + Skew.TotalSeconds <= now || expires - issued > ApprovalGrant.MaxLifetime.TotalSeconds || issued - Skew.TotalSeconds > now)
        {
            return "The approval grant has expired or has an invalid lifetime.";
        }
        if (Text(claims, "tid") != tenantId.ToString() || Text(claims, "tcid") != toolCallId || Text(claims, "tool") != toolKey)
        {
            return "The approval grant was issued for another call.";
        }
        if (Text(claims, "args") != argumentsHash)
        {
            return "The approval grant was issued for other arguments.";
        }
        return null;
    }

    static string? Text(JsonElement claims, string name) =>
        claims.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    static long? Number(JsonElement claims, string name) =>
        claims.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var n) ? n : null;
}
