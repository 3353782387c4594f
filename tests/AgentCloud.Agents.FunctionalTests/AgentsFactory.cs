using AgentCloud.Testing;

namespace AgentCloud.Agents.FunctionalTests;

public sealed class AgentsFactory() : ServiceFactory<Program>("agentsdb");
