using AgentCloud.Testing;

namespace AgentCloud.Agents.FunctionalTests;

public class AgentsFactory : ServiceFactory<Program>
{
    public AgentsFactory() : base("agentsdb")
    {
        // Test classes sign in a lot from one address; RateLimitTests uses its own low limits.
        WithSetting("Directory:SignInPerIpPerMinute", "10000");
        WithSetting("Directory:SignInPerAccountPer5Minutes", "1000");
        // The demo tenant is seeded in Development (tests run there): only the demo tests want it.
        WithSetting("Directory:SeedDemoData", "false");
    }
}
