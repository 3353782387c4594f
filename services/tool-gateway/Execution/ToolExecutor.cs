using System.Diagnostics;
using System.Text.Json;
using AgentCloud.Contracts.Tools;
using AgentCloud.EventBus.Outbox;
using AgentCloud.ServiceDefaults.Auth;
using AgentCloud.ToolGateway.Clients;
using AgentCloud.ToolGateway.Infrastructure;
using AgentCloud.ToolGateway.Model;
using AgentCloud.ToolGateway.Registry;
using AgentCloud.ToolGateway.Schema;

namespace AgentCloud.ToolGateway.Execution;

/// <summary>
/// Seed 002's executor flow for one call: claim the tool call id → validate → permissions → approval grant → billing
/// hold → credential → connector (with its timeout) → commit or release → audit + <see cref="ToolInvoked"/>. Each
/// step is a span. Every refusal or failure ends as a <see cref="ToolInvocationResult"/> the model can read.
/// </summary>
public sealed partial class ToolExecutor(
    ToolsDbContext db,
    ToolRegistry registry,
    IPermissionDirectory permissions,
    IBillingClient billing,
    ICredentialsClient credentials,
    ApprovalGrantVerifier grants,
    IIntegrationEventOutbox outbox,
    IServiceProvider services,
    TimeProvider time,
    ILogger<ToolExecutor> logger)
{
    public async Task<ToolInvocationResult> InvokeAsync(InvocationCommand command, CancellationToken cancellationToken)
    {
        var definition = command.Tool.Definition;
        using var activity = ToolGatewayTelemetry.Source.StartActivity("tool.invoke");
        activity?.SetTag("agentcloud.tool.key", definition.Key).SetTag("agentcloud.tool.call_id", command.ToolCallId)
            .SetTag("agentcloud.tenant.id", command.TenantId.ToString());
        var started = Stopwatch.GetTimestamp();
        var argumentsHash = ApprovalGrant.HashArguments(command.Arguments);

        var (invocation, earlier) = await ClaimAsync(command, argumentsHash, cancellationToken);
        if (earlier is not null)
        {
            activity?.SetTag("agentcloud.tool.replayed", true).SetTag("agentcloud.tool.status", earlier.Status);
            return earlier;
        }

        var run = new RunState(invocation!, command, started);
        var outcome = await RunStepsAsync(run, cancellationToken);
        var result = await FinishAsync(run, outcome, cancellationToken);
        activity?.SetTag("agentcloud.tool.status", result.Status).SetTag("agentcloud.tool.error", result.Error?.Code);
        return result;
    }

    sealed class RunState(ToolInvocation invocation, InvocationCommand command, long started)
    {
        public ToolInvocation Invocation => invocation;
        public InvocationCommand Command => command;
        public long Started => started;
        public long ConnectorTicks { get; set; }
    }

    async Task<StepOutcome> RunStepsAsync(RunState run, CancellationToken cancellationToken)
    {
        var command = run.Command;
        var tool = command.Tool;
        var definition = tool.Definition;

        using (var step = ToolGatewayTelemetry.Step("validate", definition.Key))
        {
            if (!tool.Enabled)
            {
                return StepOutcome.Fail("tool_disabled", $"The tool '{definition.Key}' is not enabled for this tenant.");
            }
            var problems = ToolSchemas.Validate(definition.Parameters, command.Arguments);
            step?.SetTag("agentcloud.tool.problems", problems.Count);
            if (problems.Count > 0)
            {
                return StepOutcome.Fail("invalid_arguments", $"The arguments do not match the schema of '{definition.Key}' ({problems.Count} problem(s)).",
                    problems);
            }
        }

        if (definition.RequiredPermissions.Count > 0 && await CheckPermissionsAsync(command, cancellationToken) is { } denied)
        {
            return denied;
        }

        if (tool.RequiresApproval)
        {
            using var step = ToolGatewayTelemetry.Step("approval", definition.Key);
            var refusal = await grants.VerifyAsync(command.ApprovalGrant, command.TenantId, definition.Key, command.ToolCallId,
                run.Invocation.ArgumentsHash, cancellationToken);
            step?.SetTag("agentcloud.tool.approved", refusal is null);
            if (refusal is not null)
            {
                return StepOutcome.Fail("approval_required", refusal);
            }
        }

        if (definition.TokenCost > 0 && await HoldAsync(run, cancellationToken) is { } unpaid)
        {
            return unpaid;
        }

        ResolvedCredential? credential = null;
        if (definition.CredentialType is not null)
        {
            var (found, problem) = await FetchCredentialAsync(command, cancellationToken);
            if (problem is not null)
            {
                return problem;
            }
            credential = found;
        }

        return await RunConnectorAsync(run, credential);
    }

    async Task<StepOutcome?> CheckPermissionsAsync(InvocationCommand command, CancellationToken cancellationToken)
    {
        var required = command.Tool.Definition.RequiredPermissions;
        using var step = ToolGatewayTelemetry.Step("permissions", command.Tool.Definition.Key);
        if (command.UserId is not { } userId)
        {
            return StepOutcome.Fail("permission_denied", "This tool needs a user's permissions and the call names no user.");
        }
        IReadOnlySet<string>? granted;
        try
        {
            granted = await permissions.GetEffectivePermissionsAsync(command.TenantId, userId, command.LocationId, cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or InvalidOperationException or JsonException)
        {
            logger.LogWarning(e, "Permissions lookup failed for tool {ToolKey}", command.Tool.Definition.Key);
            return StepOutcome.Fail("permissions_unavailable", "The user's permissions could not be checked right now; nothing was done.");
        }
        var missing = required.Where(p => granted?.Contains(p) != true).ToList();
        step?.SetTag("agentcloud.tool.permitted", missing.Count == 0);
        return missing.Count == 0 ? null
            : StepOutcome.Fail("permission_denied", $"The user lacks the permission(s) {string.Join(", ", missing)} needed for '{command.Tool.Definition.Key}'.");
    }

    async Task<StepOutcome?> HoldAsync(RunState run, CancellationToken cancellationToken)
    {
        var command = run.Command;
        var definition = command.Tool.Definition;
        using var step = ToolGatewayTelemetry.Step("billing.hold", definition.Key);
        step?.SetTag("agentcloud.tokens.amount", definition.TokenCost);
        HoldResult hold;
        try
        {
            hold = await billing.HoldAsync(command.TenantId, command.LocationId, command.UserId, definition.CostOperation ?? definition.Key,
                definition.CostQuantity, $"tool-call:{command.TenantId}:{command.ToolCallId}", $"tool {definition.Key}", cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or InvalidOperationException or JsonException)
        {
            logger.LogWarning(e, "Billing hold failed for tool {ToolKey}", definition.Key);
            return StepOutcome.Fail("billing_unavailable", "Tokens could not be reserved right now; nothing was done.");
        }
        if (hold.Status == HoldStatus.Insufficient)
        {
            return StepOutcome.Fail("insufficient_tokens", $"The tenant does not have the {definition.TokenCost} token(s) '{definition.Key}' costs; nothing was done.");
        }
        // Recorded before the connector runs, so a retry after a crash can release it.
        run.Invocation.HoldId = hold.HoldId;
        await db.SaveChangesAsync(CancellationToken.None);
        return null;
    }

    async Task<(ResolvedCredential? Credential, StepOutcome? Problem)> FetchCredentialAsync(InvocationCommand command, CancellationToken cancellationToken)
    {
        var definition = command.Tool.Definition;
        if (command.CredentialId is not { } credentialId)
        {
            return definition.CredentialOptional ? (null, null)
                : (null, StepOutcome.Fail("credential_required", $"'{definition.Key}' needs a credential of type {definition.CredentialType}; none was given."));
        }
        using var step = ToolGatewayTelemetry.Step("credential", definition.Key);
        step?.SetTag("agentcloud.credential.id", credentialId.ToString());
        try
        {
            var purpose = $"run:{command.RunId?.ToString() ?? "none"}/tool:{definition.Key}/call:{command.ToolCallId}";
            var credential = await credentials.GetAsync(command.TenantId, credentialId, command.UserId, purpose, cancellationToken);
            if (credential is null)
            {
                return (null, StepOutcome.Fail("credential_not_found", "The credential does not exist or may not be used by this user."));
            }
            if (!string.Equals(credential.Type, definition.CredentialType, StringComparison.OrdinalIgnoreCase))
            {
                return (null, StepOutcome.Fail("credential_wrong_type", $"'{definition.Key}' needs a credential of type {definition.CredentialType}."));
            }
            return (credential, null);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or InvalidOperationException or JsonException or KeyNotFoundException)
        {
            logger.LogWarning("Credential fetch failed for tool {ToolKey}: {Error}", definition.Key, e.GetType().Name);
            return (null, StepOutcome.Fail("credential_unavailable", "The credential could not be fetched right now; nothing was done."));
        }
    }

    async Task<StepOutcome> RunConnectorAsync(RunState run, ResolvedCredential? credential)
    {
        var command = run.Command;
        var definition = command.Tool.Definition;
        var connector = command.Tool.Connector ?? (registry.TryGet(definition.Key, out _, out var registered) ? registered
            : throw new InvalidOperationException($"No connector for '{definition.Key}'."));
        using var step = ToolGatewayTelemetry.Step("connector", definition.Key);
        var limit = command.Tool.Timeout;
        step?.SetTag("agentcloud.tool.timeout_ms", limit.TotalMilliseconds);
        // Not the request's token: a caller hanging up must not leave a half-done action; the timeout bounds it.
        using var timeout = new CancellationTokenSource(limit, time);
        var context = new ToolContext(definition, command.TenantId, command.UserId, command.AgentId, command.RunId, command.LocationId,
            command.ToolCallId, command.Arguments, command.Tool.Configuration, credential, services, command.ConversationId);
        var began = Stopwatch.GetTimestamp();
        try
        {
            var outcome = await connector.ExecuteAsync(context, timeout.Token).WaitAsync(timeout.Token);
            return outcome.Succeeded
                ? StepOutcome.Ok(outcome.Output)
                : StepOutcome.Fail(outcome.ErrorCode ?? "tool_failed", outcome.ErrorMessage ?? "The tool failed.");
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            return StepOutcome.Fail("timeout", $"'{definition.Key}' did not finish within {limit.TotalSeconds:0.#} s.");
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            logger.LogError(e, "Connector for {ToolKey} failed", definition.Key);
            return StepOutcome.Fail("connector_error", $"'{definition.Key}' failed: {e.GetType().Name}.");
        }
        finally
        {
            run.ConnectorTicks = Stopwatch.GetTimestamp() - began;
            step?.SetTag("agentcloud.tool.connector_ms", Stopwatch.GetElapsedTime(began).TotalMilliseconds);
        }
    }
}
