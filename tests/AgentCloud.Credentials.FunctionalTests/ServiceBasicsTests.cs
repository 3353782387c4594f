using AgentCloud.Testing;
using Xunit;

namespace AgentCloud.Credentials.FunctionalTests;

[Collection(VaultCollection.Name)]
public sealed class CredentialsBasicsTests(CredentialsFactory factory)
    : ServiceBasicsTests<Program>(factory, "credentialsdb", "credentials"), IClassFixture<CredentialsFactory>;
