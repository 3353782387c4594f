using System.Text.Json.Nodes;
using AgentCloud.ToolGateway.Execution;
using AgentCloud.ToolGateway.Registry;

namespace AgentCloud.ToolGateway.Apis;

/// <summary>The OpenAI function-calling shape: <c>{"type":"function","function":{"name","description","parameters"}}</c>.</summary>
public sealed record OpenAiTool(string Type, OpenAiFunction Function);

public sealed record OpenAiFunction(string Name, string Description, JsonObject Parameters);

public sealed record ToolDescription(
    string Key,
    string Name,
    ActionCategory Category,
    string Description,
    IReadOnlyList<string> RequiredPermissions,
    long TokenCost,
    DecisionLevel DefaultDecisionLevel,
    bool IsAsync,
    bool RequiresApproval,
    string? CredentialType,
    bool CredentialOptional,
    double TimeoutSeconds,
    bool Enabled,
    OpenAiTool Tool)
{
    /// <summary><see cref="TokenCost"/> is what one call costs this tenant (billing's price); the OpenAI function's
    /// description says it too, for the model.</summary>
    public static ToolDescription From(PricedTool priced)
    {
        var (tool, d) = (priced.Tool, priced.Tool.Definition);
        return new(d.Key, d.Name, d.Category, d.Description, d.RequiredPermissions, priced.TokenCost,
            tool.RequiresApproval ? DecisionLevel.ApprovalRequired : d.DefaultDecisionLevel, d.IsAsync, tool.RequiresApproval,
            d.CredentialType, d.CredentialOptional, d.Timeout.TotalSeconds, tool.Enabled,
            new OpenAiTool("function", new OpenAiFunction(d.Key, priced.ModelDescription, d.Parameters)));
    }
}

public sealed record ToolSettingRequest(bool Enabled, bool? RequireApproval = null, JsonObject? Configuration = null);

public sealed record ToolSettingResponse(string Key, bool Enabled, bool RequireApproval, JsonObject Configuration);

public sealed record ToolInvocationRecord(
    Guid Id, string ToolKey, string ToolCallId, string Status, string? ErrorCode, Guid? UserId, Guid? AgentId, Guid? RunId,
    Guid? LocationId, string Caller, string ArgumentsHash, long TokensCharged, long? LatencyMs, string? TraceId,
    DateTimeOffset CreatedAt, DateTimeOffset? CompletedAt);
