using AgentCloud.Contracts.Tools;
using AgentCloud.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using CallContext = AgentCloud.Contracts.Tools.CallContext;

namespace AgentCloud.ToolGateway.FunctionalTests;

/// <summary>Signs call contexts as the agents service would (<see cref="CallContext"/>), and the ones the gateway must refuse.</summary>
public static class TestCallContexts
{
    public static string Sign(Guid tenantId, Guid userId, IEnumerable<string> permissions, Guid? locationId = null,
        DateTimeOffset? issuedAt = null, TimeSpan? lifetime = null, byte[]? platformKey = null, string issuer = CallContext.Issuer)
    {
        var claims = CallContext.Claims(tenantId, userId, locationId, permissions, issuedAt ?? DateTimeOffset.UtcNow, lifetime ?? TimeSpan.FromMinutes(2));
        claims["iss"] = issuer;
        var key = CallContext.DeriveKey(platformKey ?? Convert.FromBase64String(TestTokens.SigningKey));
        return new JsonWebTokenHandler().CreateToken(claims.ToJsonString(),
            new SigningCredentials(new SymmetricSecurityKey(key), SecurityAlgorithms.HmacSha256));
    }
}
