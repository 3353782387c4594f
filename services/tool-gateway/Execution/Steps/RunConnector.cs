using System.Diagnostics;
using AgentCloud.ToolGateway.Registry;

namespace AgentCloud.ToolGateway.Execution.Steps;

/// <summary>
/// The tool's connector, under the tool's timeout — not the HTTP request's token: a caller hanging up must not leave a
/// half-done action. The connector gets a service scope of its own, so what it resolves there (its own DbContext) is
/// never the pipeline's.
/// </summary>
public sealed class RunConnector(ToolRegistry registry, IServiceScopeFactory scopes, TimeProvider time, ILogger<RunConnector> logger)
{
    public async Task<StepOutcome> RunAsync(ToolCall call)
    {
        var (command, definition) = (call.Command, call.Definition);
        var connector = command.Tool.Connector ?? (registry.TryGet(definition.Key, out _, out var registered) ? registered
            : throw new InvalidOperationException($"No connector for '{definition.Key}'."));
        using var step = ToolGatewayTelemetry.Step("connector", definition.Key);
        var limit = command.Tool.Timeout;
        step?.SetTag("agentcloud.tool.timeout_ms", limit.TotalMilliseconds);
        using var timeout = new CancellationTokenSource(limit, time);
        await using var scope = scopes.CreateAsyncScope();
        var context = new ToolContext(definition, command.TenantId, command.UserId, command.AgentId, command.RunId, command.LocationId,
            command.ToolCallId, command.Arguments, command.Tool.Configuration, call.Credential, scope.ServiceProvider, command.ConversationId);
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
            call.ConnectorTicks = Stopwatch.GetTimestamp() - began;
            step?.SetTag("agentcloud.tool.connector_ms", Stopwatch.GetElapsedTime(began).TotalMilliseconds);
        }
    }
}
