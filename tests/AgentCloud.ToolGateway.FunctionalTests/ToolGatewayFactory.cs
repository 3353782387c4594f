using AgentCloud.Testing;

namespace AgentCloud.ToolGateway.FunctionalTests;

public sealed class ToolGatewayFactory() : ServiceFactory<Program>("toolsdb");
