using System.Text.Json;

namespace AgentCloud.ToolGateway.Execution;

/// <summary>A tool call after authentication decided the tenant and user it acts for.</summary>
/// <param name="CallContext">The agents service's signed statement of the user's permissions
/// (<see cref="Contracts.Tools.CallContext"/>); null = ask the directory.</param>
public sealed record InvocationCommand(
    EffectiveTool Tool,
    Guid TenantId,
    Guid? UserId,
    Guid? AgentId,
    Guid? RunId,
    Guid? LocationId,
    Guid? CredentialId,
    string ToolCallId,
    JsonElement Arguments,
    string? ApprovalGrant,
    string Caller,
    Guid? ConversationId = null,
    string? CallContext = null);
