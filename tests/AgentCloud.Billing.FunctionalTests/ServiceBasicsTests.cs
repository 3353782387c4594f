using AgentCloud.Testing;
using Xunit;

namespace AgentCloud.Billing.FunctionalTests;

public sealed class BillingBasicsTests(BillingFactory factory)
    : ServiceBasicsTests<Program>(factory, "billingdb", "token_accounts"), IClassFixture<BillingFactory>;
