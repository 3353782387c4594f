using AgentCloud.Testing;

namespace AgentCloud.Triggers.FunctionalTests;

public sealed class TriggersFactory() : ServiceFactory<Program>("triggersdb");
