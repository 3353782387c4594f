using AgentCloud.Testing;
using Xunit;

namespace AgentCloud.Credentials.FunctionalTests;

public sealed class CredentialsBasicsTests(CredentialsFactory factory)
    : ServiceBasicsTests<Program>(factory, "credentialsdb", "credentials"), IClassFixture<CredentialsFactory>;
