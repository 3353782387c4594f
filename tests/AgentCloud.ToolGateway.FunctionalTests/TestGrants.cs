using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgentCloud.Contracts.Tools;
using AgentCloud.ServiceDefaults.Auth;
using AgentCloud.Testing;

namespace AgentCloud.ToolGateway.FunctionalTests;

/// <summary>Signs approval grants as the agents service would (<see cref="ApprovalGrant"/>), and the ones it must refuse.</summary>
public static class TestGrants
{
    public static string Sign(Guid tenantId, string toolKey, string toolCallId, object arguments, TimeSpan? lifetime = null,
        byte[]? platformKey = null, string issuer = ApprovalGrant.Issuer, DateTimeOffset? issuedAt = null)
    {
        var now = issuedAt ?? DateTimeOffset.UtcNow;
        var payload = new JsonObject
        {
            ["iss"] = issuer,
            ["aud"] = ApprovalGrant.Audience,
            ["tid"] = tenantId.ToString(),
            ["tcid"] = toolCallId,
            ["tool"] = toolKey,
            ["args"] = ApprovalGrant.HashArguments(JsonSerializer.SerializeToElement(arguments)),
            ["sub"] = Guid.NewGuid().ToString(),
            ["iat"] = now.ToUnixTimeSeconds(),
            ["exp"] = now.Add(lifetime ?? TimeSpan.FromMinutes(5)).ToUnixTimeSeconds(),
            ["jti"] = Guid.NewGuid().ToString("N"),
        };
        var key = ApprovalGrant.DeriveKey(platformKey ?? Convert.FromBase64String(TestTokens.SigningKey));
        return JsonWebToken.SignHs256(payload, key);
    }

    public static byte[] OtherKey => SHA256.HashData(Encoding.UTF8.GetBytes("not the platform key"));
}
