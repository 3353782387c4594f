using AgentCloud.Contracts.Tools;
using AgentCloud.ServiceDefaults.Auth;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AgentCloud.ToolGateway.Execution;

/// <summary>Checks an <see cref="ApprovalGrant"/> against the call it must approve; returns why it is refused, or null.</summary>
public sealed class ApprovalGrantVerifier(SigningKeyProvider keys, TimeProvider time)
{
    static readonly TimeSpan Skew = TimeSpan.FromSeconds(30);
    static readonly JsonWebTokenHandler Handler = new();

    public async ValueTask<string?> VerifyAsync(string? grant, Guid tenantId, string toolKey, string toolCallId, string argumentsHash,
        CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(grant))
        {
            return "This action requires a person's approval; no approval grant was given.";
        }
        var result = await Handler.ValidateTokenAsync(grant, new TokenValidationParameters
        {
            ValidIssuer = ApprovalGrant.Issuer,
            ValidAudience = ApprovalGrant.Audience,
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            IssuerSigningKey = new SymmetricSecurityKey(ApprovalGrant.DeriveKey(await keys.GetKeyAsync(cancellationToken))),
            ClockSkew = Skew,
            LifetimeValidator = (_, expires, token, _) => expires is { } exp && IsWithinLifetime((JsonWebToken)token, exp),
        });
        if (!result.IsValid)
        {
            return result.Exception switch
            {
                SecurityTokenMalformedException or SecurityTokenInvalidAlgorithmException => "The approval grant is malformed.",
                SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => "The approval grant's signature is not valid.",
                SecurityTokenInvalidIssuerException or SecurityTokenInvalidAudienceException =>
                    "The approval grant was not issued by the agents service for the tool gateway.",
                SecurityTokenInvalidLifetimeException or SecurityTokenNoExpirationException => "The approval grant has expired or has an invalid lifetime.",
                _ => "The approval grant is not valid.",
            };
        }
        var claims = (JsonWebToken)result.SecurityToken;
        if (Text(claims, "tid") != tenantId.ToString() || Text(claims, "tcid") != toolCallId || Text(claims, "tool") != toolKey)
        {
            return "The approval grant was issued for another call.";
        }
        return Text(claims, "args") != argumentsHash ? "The approval grant was issued for other arguments." : null;
    }

    /// <summary>Not expired, not issued in the future, and never longer-lived than <see cref="ApprovalGrant.MaxLifetime"/>.</summary>
    bool IsWithinLifetime(JsonWebToken grant, DateTime expires)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var issued = grant.IssuedAt;
        return issued != DateTime.MinValue && expires + Skew > now && issued - Skew <= now && expires - issued <= ApprovalGrant.MaxLifetime;
    }

    static string? Text(JsonWebToken claims, string name) => claims.TryGetPayloadValue<string>(name, out var value) ? value : null;
}
