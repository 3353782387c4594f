using AgentCloud.Testing;
using Xunit;
using Xunit.Abstractions;

namespace AgentCloud.ToolGateway.FunctionalTests;

[Collection(GatewayCollection.Name)]
public sealed class ToolGatewayBasicsTests(ToolGatewayFactory factory)
    : ServiceBasicsTests<Program>(factory, "toolsdb", "tool_invocations");

// Generated from the service's OpenAPI document: every endpoint, including those added later.
[Collection(GatewayCollection.Name)]
public sealed class ToolGatewayEveryEndpointTests(ToolGatewayFactory factory, ITestOutputHelper output)
    : EveryEndpointTests<Program>(factory, output);
