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
        WithSetting("Auth:ServiceName", "billing"); // as the AppHost names it (OTEL_SERVICE_NAME)
        WithSetting("EventBus:StreamPrefix", $"billing-tests-{Guid.NewGuid():N}:");
    }

    public StandInDirectory Directory { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Directory = await StandInDirectory.StartAsync();
        WithSetting("services:agents:http:0", Directory.BaseUrl);
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Directory.DisposeAsync();
    }
}
