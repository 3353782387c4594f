using AgentCloud.Testing;
using Xunit;
using Xunit.Abstractions;

namespace AgentCloud.Credentials.FunctionalTests;

[Collection(VaultCollection.Name)]
public sealed class CredentialsBasicsTests(CredentialsFactory factory)
    : ServiceBasicsTests<Program>(factory, "credentialsdb", "credentials"), IClassFixture<CredentialsFactory>;

// Generated from the service's OpenAPI document: every endpoint, including those added later.
[Collection(VaultCollection.Name)]
public sealed class CredentialsEveryEndpointTests(CredentialsFactory factory, ITestOutputHelper output)
    : EveryEndpointTests<Program>(factory, output), IClassFixture<CredentialsFactory>;
