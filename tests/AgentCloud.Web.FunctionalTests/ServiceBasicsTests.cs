using AgentCloud.Testing;
using Xunit;
using Xunit.Abstractions;

namespace AgentCloud.Web.FunctionalTests;

// Generated from the app's OpenAPI document: every endpoint, including those added later.
public sealed class WebEveryEndpointTests(WebFactory factory, ITestOutputHelper output)
    : EveryEndpointTests<Program>(factory, output), IClassFixture<WebFactory>;
