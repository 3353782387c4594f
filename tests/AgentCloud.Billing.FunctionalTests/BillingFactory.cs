using AgentCloud.Testing;

namespace AgentCloud.Billing.FunctionalTests;

public sealed class BillingFactory() : ServiceFactory<Program>("billingdb");
