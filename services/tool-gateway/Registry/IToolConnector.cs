using System.Text.Json;
using System.Text.Json.Nodes;
using AgentCloud.ToolGateway.Clients;

namespace AgentCloud.ToolGateway.Registry;

/// <summary>
/// One tool family (email, Twilio, todos, ...). Adding a tool = one class implementing this and one
/// <c>AddToolConnector&lt;T&gt;()</c>. Connectors are singletons; per-call state comes in <see cref="ToolContext"/>.
/// </summary>
public interface IToolConnector
{
    IReadOnlyList<ActionDefinition> Definitions { get; }

    Task<ToolOutcome> ExecuteAsync(ToolContext context, CancellationToken cancellationToken);
}

/// <summary>Everything a connector may use: who calls (seed 001's injected user/agent/conversation context), the
/// arguments, the tenant's configuration of the tool, and the credential fetched for this call.</summary>
public sealed record ToolContext(
    ActionDefinition Definition,
    Guid TenantId,
    Guid? UserId,
    Guid? AgentId,
    Guid? RunId,
    Guid? LocationId,
    string ToolCallId,
    JsonElement Arguments,
    JsonObject Configuration,
    ResolvedCredential? Credential,
    IServiceProvider Services,
    Guid? ConversationId = null)
{
    public string? Argument(string name) =>
        Arguments.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    public string? Setting(string name) =>
        Configuration.TryGetPropertyValue(name, out var value) && value is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
}

/// <summary>A connector's answer: output for the model, or an error code and message it can read.</summary>
public sealed record ToolOutcome(bool Succeeded, JsonNode? Output, string? ErrorCode = null, string? ErrorMessage = null)
{
    public static ToolOutcome Ok(JsonNode? output) => new(true, output);

    public static ToolOutcome Fail(string code, string message) => new(false, null, code, message);
}
