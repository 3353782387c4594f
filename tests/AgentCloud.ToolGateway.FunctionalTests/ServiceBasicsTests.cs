using AgentCloud.Testing;
using Xunit;

namespace AgentCloud.ToolGateway.FunctionalTests;

[Collection(GatewayCollection.Name)]
public sealed class ToolGatewayBasicsTests(ToolGatewayFactory factory)
    : ServiceBasicsTests<Program>(factory, "toolsdb", "tool_invocations");
