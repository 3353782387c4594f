using AgentCloud.Testing;
using Xunit;
using Xunit.Abstractions;

namespace AgentCloud.Triggers.FunctionalTests;

public sealed class TriggersBasicsTests(TriggersFactory factory)
    : ServiceBasicsTests<Program>(factory, "triggersdb", "triggers"), IClassFixture<TriggersFactory>;

// Generated from the service's OpenAPI document: every endpoint, including those added later.
public sealed class TriggersEveryEndpointTests(TriggersFactory factory, ITestOutputHelper output)
    : EveryEndpointTests<Program>(factory, output), IClassFixture<TriggersFactory>;
