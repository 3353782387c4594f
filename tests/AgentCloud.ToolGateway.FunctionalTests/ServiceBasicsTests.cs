using AgentCloud.Testing;
using Xunit;

namespace AgentCloud.ToolGateway.FunctionalTests;

public sealed class ToolGatewayBasicsTests(ToolGatewayFactory factory)
    : ServiceBasicsTests<Program>(factory, "toolsdb", "tool_invocations"), IClassFixture<ToolGatewayFactory>;
