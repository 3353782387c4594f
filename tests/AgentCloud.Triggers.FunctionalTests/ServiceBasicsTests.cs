using AgentCloud.Testing;
using Xunit;

namespace AgentCloud.Triggers.FunctionalTests;

public sealed class TriggersBasicsTests(TriggersFactory factory)
    : ServiceBasicsTests<Program>(factory, "triggersdb", "triggers"), IClassFixture<TriggersFactory>;
