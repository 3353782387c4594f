namespace AgentCloud.ToolGateway.FunctionalTests.Peers;

/// <summary>The official MCP TypeScript SDK client (npm <c>@modelcontextprotocol/sdk</c>) driving our server.</summary>
public static class McpClientScript
{
    public const string Source = """
        import { Client } from '@modelcontextprotocol/sdk/client/index.js';
        import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

        const client = new Client({ name: 'agentcloud-functional-test', version: '1.0.0' });
        const transport = new StreamableHTTPClientTransport(new URL(process.env.MCP_URL), {
          requestInit: { headers: { Authorization: `Bearer ${process.env.MCP_TOKEN}` } },
        });
        await client.connect(transport);
        const listed = await client.listTools();
        const call = { name: 'current_time', arguments: { timezone: 'UTC' }, _meta: { toolCallId: process.env.MCP_CALL_ID } };
        const first = await client.callTool(call);
        const again = await client.callTool(call);
        const invalid = await client.callTool({ name: 'date_add', arguments: { date: 'soon', amount: 1, unit: 'days' } });
        const denied = await client.callTool({ name: 'list_todos', arguments: {} });
        process.stdout.write(JSON.stringify({ server: client.getServerVersion(), tools: listed.tools, first, again, invalid, denied }));
        await client.close();
        """;
}
