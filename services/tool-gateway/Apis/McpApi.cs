using System.Text.Json;
using System.Text.Json.Nodes;
using AgentCloud.Contracts.Tools;
using AgentCloud.ServiceDefaults.Auth;
using AgentCloud.ToolGateway.Execution;
using AgentCloud.ToolGateway.Infrastructure;
using AgentCloud.ToolGateway.Registry;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace AgentCloud.ToolGateway.Apis;

/// <summary>
/// The caller's enabled tools as an MCP server over Streamable HTTP (stateless: every POST gets its own
/// <see cref="StreamableHttpServerTransport"/> and server, so any replica can answer). The ModelContextProtocol.AspNetCore
/// package is not obtainable here, so this maps the Core transport onto a minimal API endpoint. Authenticated with the
/// platform's bearer tokens; tools/call runs the same <see cref="ToolExecutor"/> pipeline as <c>/tools/{key}/invoke</c>.
/// A call may carry <c>_meta</c>: <c>toolCallId</c> (idempotency key; default a fresh id), <c>approvalGrant</c>,
/// <c>credentialId</c>, <c>agentId</c>, <c>runId</c>, <c>locationId</c>.
/// </summary>
public static class McpApi
{
    public static IEndpointRouteBuilder MapMcpApi(this IEndpointRouteBuilder app)
    {
        var mcp = app.MapGroup("/mcp").WithTags("MCP").RequireUser();
        mcp.MapPost("/", HandlePostAsync).WithName("McpPost").WithSummary("MCP Streamable HTTP: one JSON-RPC message per POST");
        // Stateless: no server-initiated stream and no session to end.
        mcp.MapGet("/", () => TypedResults.StatusCode(StatusCodes.Status405MethodNotAllowed)).WithName("McpGet");
        mcp.MapDelete("/", () => TypedResults.StatusCode(StatusCodes.Status405MethodNotAllowed)).WithName("McpDelete");
        return app;
    }

    static async Task HandlePostAsync(HttpContext http, Caller caller, ILoggerFactory loggers)
    {
        JsonRpcMessage? message;
        try
        {
            message = await JsonSerializer.DeserializeAsync<JsonRpcMessage>(http.Request.Body, McpJsonUtilities.DefaultOptions, http.RequestAborted);
        }
        catch (JsonException)
        {
            message = null;
        }
        if (message is null)
        {
            await TypedResults.Problem("The body must be one JSON-RPC message.", statusCode: StatusCodes.Status400BadRequest).ExecuteAsync(http);
            return;
        }

        await using var transport = new StreamableHttpServerTransport(loggers) { Stateless = true };
        var options = new McpServerOptions
        {
            ServerInfo = new Implementation { Name = "agentcloud-tool-gateway", Version = "1.0.0" },
            Capabilities = new ServerCapabilities { Tools = new ToolsCapability() },
            ScopeRequests = false,
            Handlers = new McpServerHandlers
            {
                ListToolsHandler = (request, cancellationToken) => ListToolsAsync(http.RequestServices, caller, cancellationToken),
                CallToolHandler = (request, cancellationToken) => CallToolAsync(http.RequestServices, caller, request.Params, cancellationToken),
            },
        };
        await using var server = McpServer.Create(transport, options, loggers, http.RequestServices);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted);
        var running = server.RunAsync(stop.Token);

        http.Response.Headers.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-cache,no-store";
        var wrote = await transport.HandlePostRequestAsync(message, http.Response.Body, http.RequestAborted);
        if (!wrote)
        {
            http.Response.Headers.ContentType = default;
            http.Response.StatusCode = StatusCodes.Status202Accepted;
        }
        await stop.CancelAsync();
        try
        {
            await running;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The server loop ends with the request: that is its normal stop in stateless mode.
        }
    }

    static async ValueTask<ListToolsResult> ListToolsAsync(IServiceProvider services, Caller caller, CancellationToken cancellationToken)
    {
        var db = services.GetRequiredService<ToolsDbContext>();
        var tools = await db.EffectiveToolsAsync(services.GetRequiredService<ToolRegistry>(), caller.TenantId, cancellationToken);
        return new ListToolsResult
        {
            Tools = [.. tools.Where(t => t.Enabled).Select(t => new Tool
            {
                Name = t.Definition.Key,
                Title = t.Definition.Name,
                Description = t.Definition.Description,
                InputSchema = JsonSerializer.SerializeToElement(t.Definition.Parameters),
            })],
        };
    }

    static async ValueTask<CallToolResult> CallToolAsync(IServiceProvider services, Caller caller, CallToolRequestParams? call, CancellationToken cancellationToken)
    {
        var registry = services.GetRequiredService<ToolRegistry>();
        if (call is null || !registry.TryGet(call.Name, out var definition, out _))
        {
            return Text($"Unknown tool '{call?.Name}'.", isError: true, structured: null);
        }
        var arguments = new JsonObject();
        foreach (var (name, value) in call.Arguments ?? new Dictionary<string, JsonElement>())
        {
            arguments[name] = JsonNode.Parse(value.GetRawText());
        }
        var meta = call.Meta;
        var tool = await services.GetRequiredService<ToolsDbContext>().EffectiveToolAsync(definition, caller.TenantId, cancellationToken);
        var command = new InvocationCommand(tool, caller.TenantId, caller.UserId, MetaGuid(meta, "agentId"), MetaGuid(meta, "runId"),
            MetaGuid(meta, "locationId"), MetaGuid(meta, "credentialId"), MetaText(meta, "toolCallId") ?? $"mcp:{Guid.CreateVersion7()}",
            JsonSerializer.SerializeToElement(arguments), MetaText(meta, "approvalGrant"), $"mcp-user:{caller.UserId}");
        var result = await services.GetRequiredService<ToolExecutor>().InvokeAsync(command, cancellationToken);
        var structured = JsonSerializer.SerializeToElement(result, JsonSerializerOptions.Web);
        return Text(structured.GetRawText(), isError: result.Status != "succeeded", structured);
    }

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
