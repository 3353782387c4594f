namespace AgentCloud.ToolGateway.Connectors;

/// <summary>The <c>Connectors</c> section: provider endpoints (service configuration, not tenant input, so trusted).</summary>
public sealed class ConnectorOptions
{
    public const string Section = "Connectors";

    public string TwilioBaseUrl { get; set; } = "https://api.twilio.com";

    public string TavilyBaseUrl { get; set; } = "https://api.tavily.com";
}
