using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using AgentCloud.Testing;

namespace AgentCloud.ToolGateway.FunctionalTests.Peers;

/// <summary>
/// An external MCP server built with the official TypeScript SDK (npm <see cref="NpmPackages.McpSdk"/>), stateless
/// Streamable HTTP on a loopback port, run by node. It lists the tools <see cref="SetTools"/> last wrote (read on every
/// tools/list) and records each call it receives.
/// </summary>
public sealed class TypeScriptMcpServer : IAsyncDisposable
{
    const string Script = """
        import http from 'node:http';
        import fs from 'node:fs';
        import { Server } from '@modelcontextprotocol/sdk/server/index.js';
        import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
        import { ListToolsRequestSchema, CallToolRequestSchema } from '@modelcontextprotocol/sdk/types.js';

        // Stateless, as the SDK's examples serve it: a server and a transport per request.
        const httpServer = http.createServer(async (req, res) => {
          const server = new Server({ name: 'typescript-peer', version: '1.0.0' }, { capabilities: { tools: {} } });
          server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools: JSON.parse(fs.readFileSync(process.env.TOOLS_FILE, 'utf8')) }));
          server.setRequestHandler(CallToolRequestSchema, async ({ params }) => {
            process.stdout.write(JSON.stringify({ call: params.name, arguments: params.arguments ?? {} }) + '\n');
            return { content: [{ type: 'text', text: `called ${params.name}` }], structuredContent: { echoed: params.arguments ?? {} } };
          });
          const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
          res.on('close', () => { transport.close(); server.close(); });
          await server.connect(transport);
          await transport.handleRequest(req, res);
        });
        httpServer.listen(0, '127.0.0.1', () => process.stdout.write(JSON.stringify({ port: httpServer.address().port }) + '\n'));
        process.stdin.on('end', () => process.exit(0));
        process.stdin.resume();
        """;

    NodePeer _node = null!;
    string _toolsFile = "";

    public Uri Url => new($"http://127.0.0.1:{_node.Port}/mcp");

    /// <summary>Each call received: the tool's name and its arguments.</summary>
    public ConcurrentQueue<(string Tool, JsonObject Arguments)> Calls { get; } = new();

    public void SetTools(string toolsJson) => File.WriteAllText(_toolsFile, toolsJson);

    public static async Task<TypeScriptMcpServer> StartAsync(string toolsJson)
    {
        var peer = new TypeScriptMcpServer { _toolsFile = Path.Combine(Path.GetTempPath(), $"agentcloud-mcp-tools-{Guid.NewGuid():N}.json") };
        peer.SetTools(toolsJson);
        peer._node = await NodePeer.StartAsync(NpmPackages.McpSdk, Script, ".mjs", new Dictionary<string, string> { ["TOOLS_FILE"] = peer._toolsFile },
            call => peer.Calls.Enqueue(((string)call["call"]!, call["arguments"]!.AsObject())));
        return peer;
    }

    public async ValueTask DisposeAsync()
    {
        await _node.DisposeAsync();
        File.Delete(_toolsFile);
    }
}
