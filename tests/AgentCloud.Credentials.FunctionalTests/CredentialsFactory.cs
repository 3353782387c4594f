using AgentCloud.Testing;

namespace AgentCloud.Credentials.FunctionalTests;

public sealed class CredentialsFactory() : ServiceFactory<Program>("credentialsdb");
