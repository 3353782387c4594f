using AgentCloud.Contracts.Tools;
using AgentCloud.ServiceDefaults.Auth;
using AgentCloud.ToolGateway.Connectors;
using AgentCloud.ToolGateway.Execution;
using AgentCloud.ToolGateway.Infrastructure;
using AgentCloud.ToolGateway.Registry;
using Microsoft.AspNetCore.Http.HttpResults;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;

namespace AgentCloud.ToolGateway.Apis;

public static class ToolsApi
{
    const int MaxToolCallIdLength = 200;
    static readonly JsonElement NoArguments = JsonSerializer.SerializeToElement(new { });

    public static IEndpointRouteBuilder MapToolsApi(this IEndpointRouteBuilder app)
    {
        var tools = app.MapGroup("/tools").WithTags("Tools");
        tools.MapGet("/", ListTools).WithName("ListTools")
            .WithSummary("The caller's tenant's enabled tools; ?format=openai gives only the OpenAI function-calling array")
            .RequireUserOrService("agents", "web");
        tools.MapGet("/{key}", GetTool).WithName("GetTool").WithSummary("One tool's definition as the tenant sees it")
            .RequireUserOrService("agents", "web");
        tools.MapPost("/{key}/invoke", Invoke).WithName("InvokeTool")
            .WithSummary("Runs a tool call once per tool call id: validate, permit, approve, pay, execute, audit")
            .RequireUserOrService("agents");
        return app;
    }

    public static async Task<Results<Ok<List<ToolDescription>>, Ok<List<OpenAiTool>>, NotFound, ProblemHttpResult>> ListTools(
        Caller caller, Guid? tenantId, string? format, ToolsDbContext db, ToolRegistry registry, ExternalMcpTools external,
        CancellationToken cancellationToken)
    {
        if (ResolveTenant(caller, tenantId) is not { } tenant)
        {
            return caller.IsService ? TypedResults.Problem("A service must name the tenant (?tenantId=).", statusCode: 400) : TypedResults.NotFound();
        }
        var tools = await db.EffectiveToolsAsync(registry, tenant, cancellationToken);
        tools.AddRange(await external.ListAsync(tenant, cancellationToken));
        var enabled = tools.Where(t => t.Enabled).Select(ToolDescription.From).ToList();
        return format == "openai" ? TypedResults.Ok(enabled.Select(t => t.Tool).ToList()) : TypedResults.Ok(enabled);
    }

    public static async Task<Results<Ok<ToolDescription>, NotFound, ProblemHttpResult>> GetTool(
        string key, Caller caller, Guid? tenantId, ToolsDbContext db, ToolRegistry registry, ExternalMcpTools external,
        CancellationToken cancellationToken)
    {
        if (ResolveTenant(caller, tenantId) is not { } tenant)
        {
            return caller.IsService ? TypedResults.Problem("A service must name the tenant (?tenantId=).", statusCode: 400) : TypedResults.NotFound();
        }
        var tool = registry.TryGet(key, out var definition, out _)
            ? await db.EffectiveToolAsync(definition, tenant, cancellationToken)
            : await external.FindAsync(tenant, key, cancellationToken);
        return tool is null ? TypedResults.NotFound() : TypedResults.Ok(ToolDescription.From(tool));
    }

    public static async Task<Results<Ok<ToolInvocationResult>, NotFound, ValidationProblem, ProblemHttpResult>> Invoke(
        string key, ToolInvocationRequest request, Caller caller, ToolsDbContext db, ToolRegistry registry, ExternalMcpTools external,
        ToolExecutor executor, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(request.ToolCallId) || request.ToolCallId.Length > MaxToolCallIdLength)
        {
            errors["toolCallId"] = [$"A tool call id of 1 to {MaxToolCallIdLength} characters is required."];
        }
        if (request.Arguments.ValueKind is not (JsonValueKind.Object or JsonValueKind.Undefined))
        {
            errors["arguments"] = ["The arguments must be a JSON object."];
        }
        if (caller.IsService && request.TenantId is null)
        {
            errors["tenantId"] = ["A service must name the tenant it acts for."];
        }
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }
        if (caller.IsUser && request.TenantId is { } named && named != caller.TenantId)
        {
            return TypedResults.NotFound();
        }
        if (caller.IsUser && request.UserId is { } user && user != caller.UserId)
        {
            return TypedResults.Problem("A user may invoke tools only as themselves.", statusCode: StatusCodes.Status403Forbidden);
        }
        var tenantId = caller.IsUser ? caller.TenantId : request.TenantId!.Value;
        var tool = registry.TryGet(key, out var definition, out _)
            ? await db.EffectiveToolAsync(definition, tenantId, cancellationToken)
            : await external.FindAsync(tenantId, key, cancellationToken);
        if (tool is null)
        {
            return TypedResults.NotFound();
        }
        // An external MCP server's tools always use the credential registered with the server.
        var credentialId = tool.Connector is ExternalMcpConnector
            ? await db.McpServers.Where(s => s.TenantId == tenantId && key.StartsWith(s.Namespace + ExternalMcpConnector.Separator))
                .Select(s => s.CredentialId).FirstOrDefaultAsync(cancellationToken)
            : request.CredentialId;
        var arguments = request.Arguments.ValueKind == JsonValueKind.Undefined ? NoArguments : request.Arguments;
        var command = new InvocationCommand(tool, tenantId, caller.IsUser ? caller.UserId : request.UserId, request.AgentId, request.RunId,
            request.LocationId, credentialId, request.ToolCallId, arguments, request.ApprovalGrant,
            caller.IsService ? $"service:{caller.ServiceName}" : $"user:{caller.UserId}", request.ConversationId);
        return TypedResults.Ok(await executor.InvokeAsync(command, cancellationToken));
    }

    /// <summary>Users act in their own tenant (another tenant named = not found); services name one.</summary>
    static Guid? ResolveTenant(Caller caller, Guid? requested) =>
        caller.IsService ? requested
        : requested is null || requested == caller.TenantId ? caller.TenantId
        : null;
}
