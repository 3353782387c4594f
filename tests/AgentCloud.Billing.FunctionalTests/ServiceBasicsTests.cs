using AgentCloud.Testing;
using Xunit;
using Xunit.Abstractions;

namespace AgentCloud.Billing.FunctionalTests;

public sealed class BillingBasicsTests(BillingFactory factory)
    : ServiceBasicsTests<Program>(factory, "billingdb", "token_accounts"), IClassFixture<BillingFactory>;

// Generated from the service's OpenAPI document: every endpoint, including those added later.
public sealed class BillingEveryEndpointTests(BillingFactory factory, ITestOutputHelper output)
    : EveryEndpointTests<Program>(factory, output), IClassFixture<BillingFactory>;
