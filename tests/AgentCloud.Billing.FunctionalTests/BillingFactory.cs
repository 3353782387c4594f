using AgentCloud.Testing;

namespace AgentCloud.Billing.FunctionalTests;

/// <summary>
/// The monthly fee is off: tests run the job themselves with a clock they control (<see cref="FeeBillingFactory"/> turns
/// it on). Each factory has its own stream prefix, so an event published for one test class's database is not consumed
/// by another's. The agents service is a stand-in (<see cref="StandInDirectory"/>) that issues billing's service token
/// and answers who holds <c>billing:manage</c>.
/// </summary>
public class BillingFactory : ServiceFactory<Program>
{
    public BillingFactory() : this(monthlyFee: false)
    {
    }

    protected BillingFactory(bool monthlyFee) : base("billingdb")
    {
        WithSetting("Billing:MonthlyFeeEnabled", monthlyFee ? "true" : "false");
        WithStandInDirectory("billing");
        WithSetting("EventBus:StreamPrefix", $"billing-tests-{Guid.NewGuid():N}:");
    }
}

/// <summary>
/// Billing with the monthly fee on, as deployed: purchases pay it. The job's own loop runs once at start (on an empty
/// database) and then only daily; tests run the job themselves with a clock they control.
/// </summary>
public sealed class FeeBillingFactory : BillingFactory
{
    public FeeBillingFactory() : base(monthlyFee: true) => WithSetting("Billing:MonthlyFeeInterval", "1.00:00:00");
}
