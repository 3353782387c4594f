using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using AgentCloud.Contracts.Tools;
using AgentCloud.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AgentCloud.ToolGateway.FunctionalTests;

/// <summary>Signs approval grants as the agents service would (<see cref="ApprovalGrant"/>), and the ones it must refuse.</summary>
public static class TestGrants
{
    public static string Sign(Guid tenantId, string toolKey, string toolCallId, object arguments, TimeSpan? lifetime = null,
        byte[]? platformKey = null, string issuer = ApprovalGrant.Issuer, DateTimeOffset? issuedAt = null)
    {
        var now = issuedAt ?? DateTimeOffset.UtcNow;
        var key = ApprovalGrant.DeriveKey(platformKey ?? Convert.FromBase64String(TestTokens.SigningKey));
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = ApprovalGrant.Audience,
            IssuedAt = now.UtcDateTime,
            Expires = now.Add(lifetime ?? TimeSpan.FromMinutes(5)).UtcDateTime,
            Claims = new Dictionary<string, object>
            {
                ["tid"] = tenantId.ToString(),
                ["tcid"] = toolCallId,
                ["tool"] = toolKey,
                ["args"] = ApprovalGrant.HashArguments(JsonSerializer.SerializeToElement(arguments)),
                ["sub"] = Guid.NewGuid().ToString(),
                ["jti"] = Guid.NewGuid().ToString("N"),
            },
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(key), SecurityAlgorithms.HmacSha256),
        });
    }

    public static byte[] OtherKey => SHA256.HashData(Encoding.UTF8.GetBytes("not the platform key"));
}
