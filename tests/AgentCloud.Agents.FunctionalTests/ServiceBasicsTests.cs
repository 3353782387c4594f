using AgentCloud.Testing;
using Xunit;

namespace AgentCloud.Agents.FunctionalTests;

public sealed class AgentsBasicsTests(AgentsFactory factory)
    : ServiceBasicsTests<Program>(factory, "agentsdb", "tenants"), IClassFixture<AgentsFactory>;
