using AgentCloud.Testing;

namespace AgentCloud.Web.FunctionalTests;

/// <summary>The web app as the AppHost runs it: no database, its pages anonymous (they use their own session).</summary>
public sealed class WebFactory : ServiceFactory<Program>
{
    public WebFactory() : base(database: null) => WithSetting("Auth:RequireAuthenticatedCaller", "false");
}
