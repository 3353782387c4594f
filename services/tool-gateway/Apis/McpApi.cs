using System.Text.Json;
using System.Text.Json.Nodes;
using AgentCloud.ServiceDefaults.Auth;
using AgentCloud.ToolGateway.Connectors;
using AgentCloud.ToolGateway.Execution;
using ModelContextProtocol.AspNetCore.Authentication;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace AgentCloud.ToolGateway.Apis;

/// <summary>
/// The caller's tools as an MCP server on <c>/mcp</c> (ModelContextProtocol.AspNetCore, Streamable HTTP, stateless:
/// any replica answers any request). <c>tools/list</c> is the catalog — built-in tools and the tools of the tenant's
/// registered MCP servers, with their JSON Schemas and this tenant's price (in the description and in
/// <c>_meta["agentcloud/tokenCost"]</c>); <c>tools/call</c> runs the same <see cref="ToolExecutor"/> pipeline as
/// <c>/tools/{key}/invoke</c>, as the token's user. A call may carry <c>_meta</c>: <c>toolCallId</c> (idempotency
/// key; default a fresh id), <c>approvalGrant</c>, <c>credentialId</c>, <c>agentId</c>, <c>runId</c>, <c>locationId</c>.
/// Users only; without a valid token: 401 with <c>WWW-Authenticate: Bearer resource_metadata="…"</c> (see
/// <c>McpExtensions</c>).
/// </summary>
public static class McpApi
{
    public const string TokenCostMeta = "agentcloud/tokenCost";

    public static IEndpointRouteBuilder MapMcpApi(this IEndpointRouteBuilder app)
    {
        app.MapMcp("/mcp").WithTags("MCP").RequireAuthorization(policy => policy
            // The MCP scheme authenticates with the platform's bearer scheme and answers the challenge the MCP way.
            .AddAuthenticationSchemes(McpAuthenticationDefaults.AuthenticationScheme)
            .RequireAssertion(context => Caller.FromPrincipal(context.User) is { IsUser: true }));
        return app;
    }

    public static async ValueTask<ListToolsResult> ListToolsAsync(RequestContext<ListToolsRequestParams> request, CancellationToken cancellationToken)
    {
        var (caller, services) = (CallerOf(request), request.Services!);
        var tools = await services.GetRequiredService<ToolCatalog>().ListEnabledAsync(caller.TenantId, !Relayed(services), cancellationToken);
        return new ListToolsResult
        {
            Tools = [.. tools.Select(t => new Tool
            {
                Name = t.Tool.Definition.Key,
                Title = t.Tool.Definition.Name,
                Description = t.ModelDescription,
                InputSchema = JsonSerializer.SerializeToElement(t.Tool.Definition.Parameters),
                Meta = new JsonObject { [TokenCostMeta] = t.TokenCost },
            })],
        };
    }

    public static async ValueTask<CallToolResult> CallToolAsync(RequestContext<CallToolRequestParams> request, CancellationToken cancellationToken)
    {
        var (caller, services, call) = (CallerOf(request), request.Services!, request.Params);
        if (call is null
            || await services.GetRequiredService<ToolCatalog>().FindAsync(caller.TenantId, call.Name, !Relayed(services), cancellationToken) is not { } tool)
        {
            return Text($"Unknown tool '{call?.Name}'.", isError: true, structured: null);
        }
        var meta = call.Meta;
        var command = new InvocationCommand(tool, caller.TenantId, caller.UserId, MetaGuid(meta, "agentId"), MetaGuid(meta, "runId"),
            MetaGuid(meta, "locationId"), tool.CredentialFor(MetaGuid(meta, "credentialId")), MetaText(meta, "toolCallId") ?? $"mcp:{Guid.CreateVersion7()}",
            JsonSerializer.SerializeToElement(call.Arguments ?? new Dictionary<string, JsonElement>()), MetaText(meta, "approvalGrant"),
            $"mcp-user:{caller.UserId}");
        var result = await services.GetRequiredService<ToolExecutor>().InvokeAsync(command, cancellationToken);
        var structured = JsonSerializer.SerializeToElement(result, JsonSerializerOptions.Web);
        return Text(structured.GetRawText(), isError: result.Status != "succeeded", structured);
    }

    /// <summary>The endpoint's policy admits users only, so the caller is one.</summary>
    static Caller CallerOf(MessageContext request) =>
        Caller.FromPrincipal(request.User!) ?? throw new InvalidOperationException("An MCP request without a caller passed authorization.");

    /// <summary>Relayed by a gateway's MCP client: serve the built-in tools only (see <see cref="ExternalMcpConnector.RelayHeader"/>).</summary>
    static bool Relayed(IServiceProvider services) =>
        services.GetRequiredService<IHttpContextAccessor>().HttpContext?.Request.Headers.ContainsKey(ExternalMcpConnector.RelayHeader) == true;

    static CallToolResult Text(string text, bool isError, JsonElement? structured) => new()
    {
        Content = [new TextContentBlock { Text = text }],
        IsError = isError,
        StructuredContent = structured,
    };

    static string? MetaText(JsonObject? meta, string name) =>
        meta?[name] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    static Guid? MetaGuid(JsonObject? meta, string name) => Guid.TryParse(MetaText(meta, name), out var id) ? id : null;
}
