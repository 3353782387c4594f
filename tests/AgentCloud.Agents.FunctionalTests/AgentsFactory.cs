using AgentCloud.Testing;

namespace AgentCloud.Agents.FunctionalTests;

public class AgentsFactory : ServiceFactory<Program>
{
    public AgentsFactory() : base("agentsdb")
    {
        // Test classes sign up and fail sign-ins a lot from one address; RateLimitTests uses its own low limits.
        WithSetting("Directory:SignUpsPerAddressPerMinute", "10000");
        WithSetting("Directory:FailedSignInsPerAddressPerMinute", "10000");
        WithSetting("Directory:FailedSignInsPerAccountPer5Minutes", "1000");
        // The demo tenant is seeded in Development (tests run there): only the demo tests want it.
        WithSetting("Directory:SeedDemoData", "false");
    }
}
