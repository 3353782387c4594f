using AgentCloud.Testing;

namespace AgentCloud.Billing.FunctionalTests;

/// <summary>
/// The monthly fee loop is off: tests run the job themselves with a clock they control. Each factory has its own
/// stream prefix, so an event published for one test class's database is not consumed by another's. The agents
/// service is a stand-in (<see cref="StandInDirectory"/>) that issues billing's service token and answers who holds
/// <c>billing:manage</c>.
/// </summary>
public sealed class BillingFactory : ServiceFactory<Program>
{
    public BillingFactory() : base("billingdb")
    {
        WithSetting("Billing:MonthlyFeeEnabled", "false");
        WithStandInDirectory("billing");
        WithSetting("EventBus:StreamPrefix", $"billing-tests-{Guid.NewGuid():N}:");
    }
}
