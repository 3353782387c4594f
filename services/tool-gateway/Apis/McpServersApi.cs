using System.Net;
using System.Text.RegularExpressions;
using AgentCloud.ServiceDefaults.Auth;
using AgentCloud.ToolGateway.Execution;
using AgentCloud.ToolGateway.Infrastructure;
using AgentCloud.ToolGateway.Model;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace AgentCloud.ToolGateway.Apis;

public sealed record McpServerRequest(string Namespace, string Url, Guid? CredentialId = null, List<string>? AllowedNetworks = null,
    long? TokenCost = null, bool RequireApproval = false);

public sealed record McpServerResponse(Guid Id, string Namespace, string Url, Guid? CredentialId, List<string> AllowedNetworks, long TokenCost,
    bool RequireApproval, DateTimeOffset CreatedAt);

/// <summary>Tenant admins register external MCP servers; their tools join the catalog as <c>{namespace}__{tool}</c>.</summary>
public static partial class McpServersApi
{
    [GeneratedRegex("^[a-z][a-z0-9-]{0,30}$")]
    private static partial Regex NamespacePattern();

    public static IEndpointRouteBuilder MapMcpServersApi(this IEndpointRouteBuilder app)
    {
        var servers = app.MapGroup("/mcp-servers").WithTags("MCP servers").RequireTenantAdmin();
        servers.MapGet("/", List).WithName("ListMcpServers").WithSummary("The tenant's external MCP servers");
        servers.MapGet("/{id:guid}", Get).WithName("GetMcpServer").WithSummary("One registered MCP server");
        servers.MapPost("/", Register).WithName("RegisterMcpServer").WithSummary("Registers an external MCP server (URL + credential)");
        servers.MapDelete("/{id:guid}", Delete).WithName("DeleteMcpServer").WithSummary("Removes an MCP server and its tools");
        return app;
    }

    public static async Task<Ok<List<McpServerResponse>>> List(Caller caller, ToolsDbContext db, CancellationToken cancellationToken) =>
        TypedResults.Ok((await db.McpServers.AsNoTracking().Where(s => s.TenantId == caller.TenantId).OrderBy(s => s.Namespace)
            .ToListAsync(cancellationToken)).Select(Response).ToList());

    public static async Task<Results<Ok<McpServerResponse>, NotFound>> Get(Guid id, Caller caller, ToolsDbContext db, CancellationToken cancellationToken) =>
        await db.McpServers.AsNoTracking().SingleOrDefaultAsync(s => s.Id == id && s.TenantId == caller.TenantId, cancellationToken) is { } found
            ? TypedResults.Ok(Response(found))
            : TypedResults.NotFound();

    public static async Task<Results<Created<McpServerResponse>, ValidationProblem, ProblemHttpResult>> Register(
        McpServerRequest request, Caller caller, ToolsDbContext db, ExternalMcpTools external, TimeProvider time, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (request.Namespace is null || !NamespacePattern().IsMatch(request.Namespace))
        {
            errors["namespace"] = ["1-31 characters: lowercase letters, digits and '-', starting with a letter."];
        }
        if (!Uri.TryCreate(request.Url, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
        {
            errors["url"] = ["An absolute http(s) URL is required."];
        }
        if (request.AllowedNetworks?.Any(n => !IPNetwork.TryParse(n, out _)) == true)
        {
            errors["allowedNetworks"] = ["Each entry must be a CIDR such as 10.1.0.0/16."];
        }
        if (request.TokenCost is < 0 or > 10_000)
        {
            errors["tokenCost"] = ["Between 0 and 10000."];
        }
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }
        if (await db.McpServers.AnyAsync(s => s.TenantId == caller.TenantId && s.Namespace == request.Namespace, cancellationToken))
        {
            return TypedResults.Problem($"The namespace '{request.Namespace}' is already registered.", statusCode: StatusCodes.Status409Conflict);
        }
        var server = new McpServerRegistration
        {
            Id = Guid.CreateVersion7(), TenantId = caller.TenantId, Namespace = request.Namespace!, Url = url!.ToString(),
            CredentialId = request.CredentialId, AllowedNetworks = request.AllowedNetworks ?? [], TokenCost = request.TokenCost ?? 1,
            RequireApproval = request.RequireApproval, CreatedAt = time.GetUtcNow(),
        };
        // When the server answers now, a tool whose input schema cannot be applied refuses the registration; when it
        // does not, it is registered and its tools are checked at each listing (a broken one is left out, logged).
        if (await external.UnusableSchemasAsync(server, cancellationToken) is { Count: > 0 } unusable)
        {
            return TypedResults.ValidationProblem(unusable.ToDictionary(u => $"tools.{u.Key}.inputSchema", u => new[] { u.Value }),
                detail: "The server describes tools whose input schema cannot be applied; fix them or leave them out.");
        }
        db.McpServers.Add(server);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Created($"/mcp-servers/{server.Id}", Response(server));
    }

    public static async Task<Results<NoContent, NotFound>> Delete(Guid id, Caller caller, ToolsDbContext db, CancellationToken cancellationToken) =>
        await db.McpServers.Where(s => s.Id == id && s.TenantId == caller.TenantId).ExecuteDeleteAsync(cancellationToken) == 1
            ? TypedResults.NoContent()
            : TypedResults.NotFound();

    static McpServerResponse Response(McpServerRegistration s) =>
        new(s.Id, s.Namespace, s.Url, s.CredentialId, s.AllowedNetworks, s.TokenCost, s.RequireApproval, s.CreatedAt);
}
