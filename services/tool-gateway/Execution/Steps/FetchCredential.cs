using System.Text.Json;
using AgentCloud.ToolGateway.Clients;

namespace AgentCloud.ToolGateway.Execution.Steps;

/// <summary>The credential the tool needs, read from the credentials service for this call (an audited read whose
/// purpose names the run, tool and call). Its secret goes to the connector only.</summary>
public sealed class FetchCredential(ICredentialsClient credentials, ILogger<FetchCredential> logger)
{
    public async Task<StepOutcome?> RunAsync(ToolCall call, CancellationToken cancellationToken)
    {
        var (command, definition) = (call.Command, call.Definition);
        if (definition.CredentialType is null)
        {
            return null;
        }
        if (command.CredentialId is not { } credentialId)
        {
            return definition.CredentialOptional ? null
                : StepOutcome.Fail("credential_required", $"'{definition.Key}' needs a credential of type {definition.CredentialType}; none was given.");
        }
        using var step = ToolGatewayTelemetry.Step("credential", definition.Key);
        step?.SetTag("agentcloud.credential.id", credentialId.ToString());
        try
        {
            var purpose = $"run:{command.RunId?.ToString() ?? "none"}/tool:{definition.Key}/call:{command.ToolCallId}";
            var credential = await credentials.GetAsync(command.TenantId, credentialId, command.UserId, purpose, cancellationToken);
            if (credential is null)
            {
                return StepOutcome.Fail("credential_not_found", "The credential does not exist or may not be used by this user.");
            }
            if (!string.Equals(credential.Type, definition.CredentialType, StringComparison.OrdinalIgnoreCase))
            {
                return StepOutcome.Fail("credential_wrong_type", $"'{definition.Key}' needs a credential of type {definition.CredentialType}.");
            }
            call.Credential = credential;
            return null;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or InvalidOperationException or JsonException or KeyNotFoundException)
        {
            logger.LogWarning("Credential fetch failed for tool {ToolKey}: {Error}", definition.Key, e.GetType().Name);
            return StepOutcome.Fail("credential_unavailable", "The credential could not be fetched right now; nothing was done.");
        }
    }
}
