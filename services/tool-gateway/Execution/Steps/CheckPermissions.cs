using System.Text.Json;
using AgentCloud.ServiceDefaults.Auth;

namespace AgentCloud.ToolGateway.Execution.Steps;

/// <summary>
/// The user holds every permission the tool requires: as the call's signed call context says
/// (<see cref="CallContextVerifier"/>, no round trip), else as the directory (the agents service) answers now.
/// </summary>
public sealed class CheckPermissions(CallContextVerifier contexts, IPermissionDirectory directory, ILogger<CheckPermissions> logger)
{
    public async Task<StepOutcome?> RunAsync(ToolCall call, CancellationToken cancellationToken)
    {
        var (command, required) = (call.Command, call.Definition.RequiredPermissions);
        if (required.Count == 0)
        {
            return null;
        }
        using var step = ToolGatewayTelemetry.Step("permissions", call.Definition.Key);
        if (command.UserId is not { } userId)
        {
            return StepOutcome.Fail("permission_denied", "This tool needs a user's permissions and the call names no user.");
        }
        IReadOnlySet<string>? granted = null;
        if (command.CallContext is { } signed)
        {
            var verified = await contexts.VerifyAsync(signed, command.TenantId, userId, command.LocationId, cancellationToken);
            if (verified.Refusal is not null)
            {
                return StepOutcome.Fail("permission_denied", verified.Refusal);
            }
            granted = verified.Permissions;
        }
        step?.SetTag("agentcloud.permissions.source", granted is null ? "directory" : "call_context");
        if (granted is null)
        {
            try
            {
                granted = await directory.GetEffectivePermissionsAsync(command.TenantId, userId, command.LocationId, cancellationToken) ?? new HashSet<string>();
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or InvalidOperationException or JsonException)
            {
                logger.LogWarning(e, "Permissions lookup failed for tool {ToolKey}", call.Definition.Key);
                return StepOutcome.Fail("permissions_unavailable", "The user's permissions could not be checked right now; nothing was done.");
            }
        }
        var missing = required.Where(p => !granted.Contains(p)).ToList();
        step?.SetTag("agentcloud.tool.permitted", missing.Count == 0);
        return missing.Count == 0 ? null
            : StepOutcome.Fail("permission_denied", $"The user lacks the permission(s) {string.Join(", ", missing)} needed for '{call.Definition.Key}'.");
    }
}
