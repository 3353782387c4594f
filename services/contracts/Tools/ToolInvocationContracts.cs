using System.Text.Json;

namespace AgentCloud.Contracts.Tools;

/// <summary>
/// Body of <c>POST /tools/{key}/invoke</c>. A service caller (the agents runtime) names the tenant and user; a user
/// caller's own token decides both (the body may repeat them but not change them). <see cref="ConversationId"/> is the
/// conversation the call is made in (reminders come back into it). <see cref="CallContext"/>
/// (optional) carries the user's permissions, signed by the agents service (<see cref="Tools.CallContext"/>), so the
/// gateway need not ask the directory.
/// </summary>
public sealed record ToolInvocationRequest(
    string ToolCallId,
    JsonElement Arguments,
    Guid? TenantId = null,
    Guid? UserId = null,
    Guid? AgentId = null,
    Guid? RunId = null,
    Guid? LocationId = null,
    Guid? CredentialId = null,
    string? ApprovalGrant = null,
    Guid? ConversationId = null,
    string? CallContext = null);

/// <summary>
/// What the model reads back. <see cref="Status"/> is <c>succeeded</c>, <c>failed</c> (the tool ran or was refused:
/// see <see cref="Error"/>), <c>in_progress</c> (the same tool call id is executing right now) or <c>unknown</c>
/// (an earlier attempt crashed mid-call; it is not re-sent).
/// </summary>
public sealed record ToolInvocationResult(
    Guid InvocationId,
    string ToolKey,
    string ToolCallId,
    string Status,
    JsonElement? Output,
    ToolError? Error,
    long TokensCharged,
    bool Replayed);

/// <param name="Code">Stable machine-readable code, e.g. <c>invalid_arguments</c>, <c>permission_denied</c>,
/// <c>approval_required</c>, <c>insufficient_tokens</c>, <c>timeout</c>, <c>connector_error</c>.</param>
/// <param name="Problems">For <c>invalid_arguments</c>: every schema problem with its JSON path.</param>
public sealed record ToolError(string Code, string Message, IReadOnlyList<ToolArgumentProblem>? Problems = null);

public sealed record ToolArgumentProblem(string Path, string Message);
