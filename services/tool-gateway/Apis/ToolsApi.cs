using System.Text.Json;
using AgentCloud.Contracts.Tools;
using AgentCloud.ServiceDefaults.Auth;
using AgentCloud.ToolGateway.Execution;
using Microsoft.AspNetCore.Http.HttpResults;

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
            .WithDescription("tokenCost is what one call costs this tenant, as billing prices it (its plan, else billing's defaults), at most 30 s old.")
            .RequireUserOrService("agents", "web");
        tools.MapGet("/{key}", GetTool).WithName("GetTool").WithSummary("One tool's definition as the tenant sees it, with its price for the tenant")
            .RequireUserOrService("agents", "web");
        tools.MapPost("/{key}/invoke", Invoke).WithName("InvokeTool")
            .WithSummary("Runs a tool call once per tool call id: validate, permit, approve, pay, execute, audit")
            .RequireUserOrService("agents");
        return app;
    }

    public static async Task<Results<Ok<List<ToolDescription>>, Ok<List<OpenAiTool>>, NotFound, ProblemHttpResult>> ListTools(
        Caller caller, Guid? tenantId, string? format, ToolCatalog catalog, CancellationToken cancellationToken)
    {
        if (ResolveTenant(caller, tenantId) is not { } tenant)
        {
            return caller.IsService ? TypedResults.Problem("A service must name the tenant (?tenantId=).", statusCode: 400) : TypedResults.NotFound();
        }
        var enabled = (await catalog.ListEnabledAsync(tenant, withExternal: true, cancellationToken)).Select(ToolDescription.From).ToList();
        return format == "openai" ? TypedResults.Ok(enabled.Select(t => t.Tool).ToList()) : TypedResults.Ok(enabled);
    }

    public static async Task<Results<Ok<ToolDescription>, NotFound, ProblemHttpResult>> GetTool(
        string key, Caller caller, Guid? tenantId, ToolCatalog catalog, CancellationToken cancellationToken)
    {
        if (ResolveTenant(caller, tenantId) is not { } tenant)
        {
            return caller.IsService ? TypedResults.Problem("A service must name the tenant (?tenantId=).", statusCode: 400) : TypedResults.NotFound();
        }
        return await catalog.FindAsync(tenant, key, withExternal: true, cancellationToken) is { } tool
            ? TypedResults.Ok(ToolDescription.From(await catalog.PriceAsync(tool, tenant, cancellationToken)))
            : TypedResults.NotFound();
    }

    public static async Task<Results<Ok<ToolInvocationResult>, NotFound, ValidationProblem, ProblemHttpResult>> Invoke(
        string key, ToolInvocationRequest request, Caller caller, ToolCatalog catalog, ToolExecutor executor, CancellationToken cancellationToken)
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
        if (await catalog.FindAsync(tenantId, key, withExternal: true, cancellationToken) is not { } tool)
        {
            return TypedResults.NotFound();
        }
        var arguments = request.Arguments.ValueKind == JsonValueKind.Undefined ? NoArguments : request.Arguments;
        var command = new InvocationCommand(tool, tenantId, caller.IsUser ? caller.UserId : request.UserId, request.AgentId, request.RunId,
            request.LocationId, tool.CredentialFor(request.CredentialId), request.ToolCallId, arguments, request.ApprovalGrant,
            caller.IsService ? $"service:{caller.ServiceName}" : $"user:{caller.UserId}", request.ConversationId,
            request.CallContext);
        return TypedResults.Ok(await executor.InvokeAsync(command, cancellationToken));
    }

    /// <summary>Users act in their own tenant (another tenant named = not found); services name one.</summary>
    static Guid? ResolveTenant(Caller caller, Guid? requested) =>
        caller.IsService ? requested
        : requested is null || requested == caller.TenantId ? caller.TenantId
        : null;
}
