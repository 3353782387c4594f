using System.Text.Json;
using System.Text.Json.Nodes;
using AgentCloud.Contracts.Tools;
using AgentCloud.ServiceDefaults.Auth;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AgentCloud.Agents.Decisions;

/// <summary>
/// Signs the <see cref="ApprovalGrant"/> for one approved tool call (format in services/contracts/Tools), right before
/// the call is sent, so its short lifetime starts then. The gateway refuses an approval-required call without it.
/// </summary>
public sealed class ApprovalGrants(SigningKeyProvider keys, TimeProvider time)
{
    static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);
    readonly JsonWebTokenHandler _handler = new();

    public async ValueTask<string> IssueAsync(Guid tenantId, string toolKey, string toolCallId, JsonElement arguments, Guid? approvedBy,
        CancellationToken cancellationToken)
    {
        var key = new SymmetricSecurityKey(ApprovalGrant.DeriveKey(await keys.GetKeyAsync(cancellationToken)));
        var now = time.GetUtcNow();
        var payload = new JsonObject
        {
            ["iss"] = ApprovalGrant.Issuer,
            ["aud"] = ApprovalGrant.Audience,
            ["tid"] = tenantId.ToString(),
            ["tcid"] = toolCallId,
            ["tool"] = toolKey,
            ["args"] = ApprovalGrant.HashArguments(arguments),
            ["sub"] = approvedBy?.ToString(),
            ["iat"] = now.ToUnixTimeSeconds(),
            ["exp"] = now.Add(Lifetime).ToUnixTimeSeconds(),
            ["jti"] = Guid.NewGuid().ToString("N"),
        };
        return _handler.CreateToken(payload.ToJsonString(), new SigningCredentials(key, SecurityAlgorithms.HmacSha256));
    }
}
