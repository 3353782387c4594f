using System.Net;
using System.Text.Json;
using AgentCloud.Contracts.Tools;

using AgentCloud.Agents.Runs;

namespace AgentCloud.Agents.Loop;

/// <summary>
/// <c>POST http://tool-gateway/tools/{key}/invoke</c> as the agents service. Whatever happens, the answer is a
/// <see cref="ToolInvocationResult"/> the model can read; a call the gateway never answered is <c>unknown</c> (the
/// same tool call id sent again is replayed by the gateway, never executed twice).
/// </summary>
public sealed class GatewayClient(IHttpClientFactory clients, ILogger<GatewayClient> logger)
{
    HttpClient http => clients.CreateClient(RuntimeHttpClients.ToolGateway);

    public async Task<ToolInvocationResult> InvokeAsync(string toolKey, ToolInvocationRequest request, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.PostAsJsonAsync($"/tools/{Uri.EscapeDataString(toolKey)}/invoke", request, cancellationToken);
            if (response.StatusCode == HttpStatusCode.OK
                && await response.Content.ReadFromJsonAsync<ToolInvocationResult>(cancellationToken) is { } result)
            {
                return result;
            }
            var code = response.StatusCode == HttpStatusCode.NotFound ? "tool_not_found" : "gateway_refused";
            logger.LogWarning("The gateway answered {Status} to tool call {ToolCallId} ({Tool})", (int)response.StatusCode, request.ToolCallId, toolKey);
            return Failed(toolKey, request.ToolCallId, code, $"The tool gateway refused the call ({(int)response.StatusCode}).");
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException && !cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning("The gateway did not answer tool call {ToolCallId} ({Tool}): {Error}", request.ToolCallId, toolKey, e.GetType().Name);
            return new ToolInvocationResult(Guid.Empty, toolKey, request.ToolCallId, "unknown", null,
                new ToolError("gateway_unavailable", "The tool gateway did not answer; whether the action happened is unknown."), 0, false);
        }
    }

    public static ToolInvocationResult Failed(string toolKey, string toolCallId, string code, string message) =>
        new(Guid.Empty, toolKey, toolCallId, "failed", null, new ToolError(code, message), 0, false);

    public static ToolInvocationResult Succeeded(string toolKey, string toolCallId, JsonElement output) =>
        new(Guid.Empty, toolKey, toolCallId, "succeeded", output, null, 0, false);
}
