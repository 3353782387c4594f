using AgentCloud.Testing;
using Xunit;
using Xunit.Abstractions;

namespace AgentCloud.Agents.FunctionalTests;

public sealed class AgentsBasicsTests(AgentsFactory factory)
    : ServiceBasicsTests<Program>(factory, "agentsdb", "tenants"), IClassFixture<AgentsFactory>;

// Generated from the service's OpenAPI document: every endpoint, including those added later.
public sealed class AgentsEveryEndpointTests(AgentsFactory factory, ITestOutputHelper output)
    : EveryEndpointTests<Program>(factory, output), IClassFixture<AgentsFactory>;
