using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgentCloud.ToolGateway.Clients;
using AgentCloud.ToolGateway.Model;
using AgentCloud.ToolGateway.Registry;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace AgentCloud.ToolGateway.Connectors;

/// <summary>
/// The tools of one external MCP server a tenant registered, reached with the MCP SDK's client over Streamable HTTP
/// through the SSRF-safe handler (the registration's <c>allowedNetworks</c> open private networks). The credential's
/// secret is sent as a bearer token, and <see cref="RelayHeader"/> says the request is relayed by a gateway.
/// One instance per registration and call; not in the registry.
/// </summary>
public sealed class ExternalMcpConnector(McpServerRegistration server, ILoggerFactory loggers) : IToolConnector
{
    public const string Separator = "__";

    /// <summary>Sent on every request to an external server. A gateway that receives it serves only its own built-in
    /// tools, so gateways registered with themselves or each other never relay in a loop.</summary>
    public const string RelayHeader = "AgentCloud-Mcp-Relay";

    /// <summary>The credential registered with the server: every call of its tools uses it.</summary>
    public Guid? CredentialId => server.CredentialId;

    public IReadOnlyList<ActionDefinition> Definitions => [];

    public static string KeyFor(string ns, string tool) => $"{ns}{Separator}{tool}";

    public async Task<IList<McpClientTool>> ListAsync(ResolvedCredential? credential, CancellationToken cancellationToken)
    {
        await using var client = await ConnectAsync(credential, cancellationToken);
        return await client.ListToolsAsync(cancellationToken: cancellationToken);
    }

    public ActionDefinition Define(Tool tool) => new(
        KeyFor(server.Namespace, tool.Name), ActionCategory.External, tool.Title ?? tool.Name,
        $"[{server.Namespace}] {tool.Description}", [], server.TokenCost,
        server.RequireApproval ? DecisionLevel.ApprovalRequired : DecisionLevel.Consultation,
        JsonNode.Parse(tool.InputSchema.GetRawText()) as JsonObject ?? [], TimeSpan.FromSeconds(30),
        RequiresApproval: server.RequireApproval, CredentialType: server.CredentialId is null ? null : "mcp", CostOperation: "mcp_tool",
        CostQuantity: server.TokenCost);

    public async Task<ToolOutcome> ExecuteAsync(ToolContext context, CancellationToken cancellationToken)
    {
        var name = context.Definition.Key[(server.Namespace.Length + Separator.Length)..];
        var arguments = context.Arguments.EnumerateObject().ToDictionary(p => p.Name, p => (object?)p.Value.Clone());
        try
        {
            await using var client = await ConnectAsync(context.Credential, cancellationToken);
            var result = await client.CallToolAsync(name, arguments, cancellationToken: cancellationToken);
            var text = string.Join("\n", result.Content.OfType<TextContentBlock>().Select(c => c.Text));
            if (result.IsError == true)
            {
                return ToolOutcome.Fail("remote_tool_error", text.Length > 2000 ? text[..2000] : text);
            }
            return ToolOutcome.Ok(new JsonObject
            {
                ["text"] = text,
                ["structured"] = result.StructuredContent is { } structured ? JsonNode.Parse(structured.GetRawText()) : null,
            });
        }
        catch (Exception e) when (Refused(e) is { } refused)
        {
            return ToolOutcome.Fail("target_refused", refused.Message);
        }
        catch (Exception e) when (e is HttpRequestException or McpException or IOException)
        {
            return ToolOutcome.Fail("remote_unavailable", $"The MCP server '{server.Namespace}' could not be reached: {e.GetType().Name}.");
        }
    }

    async Task<McpClient> ConnectAsync(ResolvedCredential? credential, CancellationToken cancellationToken)
    {
        var policy = new NetworkPolicy([.. server.AllowedNetworks.Select(IPNetwork.Parse)]);
        var http = new HttpClient(SafeHttp.CreateHandler(policy)) { Timeout = TimeSpan.FromSeconds(30) };
        var options = new HttpClientTransportOptions
        {
            Endpoint = new Uri(server.Url),
            TransportMode = HttpTransportMode.StreamableHttp,
            Name = server.Namespace,
            AdditionalHeaders = credential is null
                ? new Dictionary<string, string> { [RelayHeader] = "tool-gateway" }
                : new Dictionary<string, string> { [RelayHeader] = "tool-gateway", ["Authorization"] = $"Bearer {credential.Secret}" },
        };
        var transport = new HttpClientTransport(options, http, loggers, ownsHttpClient: true);
        return await McpClient.CreateAsync(transport, new McpClientOptions(), loggers, cancellationToken);
    }

    static NetworkRefusedException? Refused(Exception e)
    {
        for (Exception? current = e; current is not null; current = current.InnerException)
        {
            if (current is NetworkRefusedException refused)
            {
                return refused;
            }
        }
        return null;
    }
}
