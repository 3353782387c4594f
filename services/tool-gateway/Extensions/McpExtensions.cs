using AgentCloud.ToolGateway.Apis;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using ModelContextProtocol.AspNetCore.Authentication;
using ModelContextProtocol.Authentication;

namespace AgentCloud.ToolGateway.Extensions;

/// <summary>
/// The MCP server (<see cref="McpApi"/>) and its authentication as the MCP authorization specification describes it:
/// a request without a valid token answers 401 with <c>WWW-Authenticate: Bearer resource_metadata="…"</c>, pointing at
/// the protected resource metadata (RFC 9728) served on <see cref="ResourceMetadataPath"/>, which names the platform's
/// token issuer as the authorization server.
/// </summary>
public static class McpExtensions
{
    public const string ResourceMetadataPath = "/.well-known/oauth-protected-resource";

    public static void AddMcpEndpoint(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddHttpContextAccessor();
        services.AddMcpServer(options => options.ServerInfo = new() { Name = "agentcloud-tool-gateway", Version = "1.0.0" })
            .WithHttpTransport(http => http.Stateless = true)
            .WithListToolsHandler(McpApi.ListToolsAsync)
            .WithCallToolHandler(McpApi.CallToolAsync);

        var issuer = AuthorizationServer(builder.Configuration);
        services.AddAuthentication().AddMcp(options =>
        {
            options.ResourceMetadataUri = new Uri(ResourceMetadataPath, UriKind.Relative);
            options.Events.OnResourceMetadataRequest = context =>
            {
                var request = context.HttpContext.Request;
                context.ResourceMetadata = new ProtectedResourceMetadata
                {
                    Resource = $"{request.Scheme}://{request.Host}{request.PathBase}/mcp",
                    AuthorizationServers = issuer is null ? [] : [issuer],
                    BearerMethodsSupported = ["header"],
                    ResourceName = "AgentCloud tool gateway",
                };
                return Task.CompletedTask;
            };
        });
        // Tokens are the platform's: authenticating is the default (bearer) scheme's job; the MCP scheme only answers.
        services.AddOptions<McpAuthenticationOptions>(McpAuthenticationDefaults.AuthenticationScheme)
            .PostConfigure<IOptions<AuthenticationOptions>>((mcp, authentication) =>
                mcp.ForwardAuthenticate ??= authentication.Value.DefaultAuthenticateScheme ?? authentication.Value.DefaultScheme);
    }

    /// <summary>
    /// Who issues the tokens: <c>Mcp:AuthorizationServer</c> when set, else the external OIDC issuer (<c>Auth:Authority</c>),
    /// else the agents service, which issues the platform's own tokens (<c>POST /auth/token</c>).
    /// </summary>
    static string? AuthorizationServer(IConfiguration configuration) =>
        configuration["Mcp:AuthorizationServer"] ?? configuration["Auth:Authority"]
        ?? configuration["services:agents:https:0"] ?? configuration["services:agents:http:0"];
}
