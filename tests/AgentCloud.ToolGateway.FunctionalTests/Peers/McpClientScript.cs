using AgentCloud.Testing;

namespace AgentCloud.ToolGateway.FunctionalTests.Peers;

/// <summary>The official MCP TypeScript SDK client (npm <see cref="NpmPackages.McpSdk"/>) driving our server.</summary>
public static class McpClientScript
{
    public const string Source = """
        import { Client } from '@modelcontextprotocol/sdk/client/index.js';
        import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
        import { extractWWWAuthenticateParams, discoverOAuthProtectedResourceMetadata, selectResourceURL } from '@modelcontextprotocol/sdk/client/auth.js';

        const url = new URL(process.env.MCP_URL);
        const client = new Client({ name: 'agentcloud-functional-test', version: '1.0.0' });
        const transport = new StreamableHTTPClientTransport(url, {
          requestInit: { headers: { Authorization: `Bearer ${process.env.MCP_TOKEN}` } },
        });
        await client.connect(transport);
        const listed = await client.listTools();
        const call = { name: 'current_time', arguments: { timezone: 'UTC' }, _meta: { toolCallId: process.env.MCP_CALL_ID } };
        const first = await client.callTool(call);
        const again = await client.callTool(call);
        const invalid = await client.callTool({ name: 'date_add', arguments: { date: 'soon', amount: 1, unit: 'days' } });
        const denied = await client.callTool({ name: 'list_todos', arguments: {} });
        const external = await client.callTool({ name: 'ext__current_time', arguments: { timezone: 'UTC' } });
        const externalInvalid = await client.callTool({ name: 'ext__date_add', arguments: { date: 'soon', amount: 1, unit: 'days' } });
        await client.close();

        // Without a token: what the SDK's OAuth support reads from the 401 and the metadata it points to.
        const anonymous = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
          body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} }),
        });
        const { resourceMetadataUrl } = extractWWWAuthenticateParams(anonymous);
        const metadata = await discoverOAuthProtectedResourceMetadata(url, { resourceMetadataUrl });
        const resource = await selectResourceURL(url, {}, metadata); // throws unless the metadata names this server
        let unauthenticated;
        try {
          await new Client({ name: 'anonymous', version: '1.0.0' }).connect(new StreamableHTTPClientTransport(url));
        } catch (e) {
          unauthenticated = { code: e.code ?? null, message: String(e.message) };
        }

        process.stdout.write(JSON.stringify({
          server: client.getServerVersion(), tools: listed.tools, first, again, invalid, denied, external, externalInvalid,
          anonymous: { status: anonymous.status, wwwAuthenticate: anonymous.headers.get('www-authenticate'),
                       resourceMetadataUrl: resourceMetadataUrl?.href ?? null, metadata, resource: resource?.href ?? null, unauthenticated },
        }));
        """;
}
