namespace AgentCloud.Contracts.Triggers;

/// <summary>The source systems a trigger can name (<c>system</c> in the API and in <see cref="TriggerFired"/>).</summary>
public static class TriggerSystems
{
    public const string Timer = "timer";
    public const string Webhook = "webhook";
    public const string HttpPoll = "http_poll";
    public const string Gmail = "gmail";
    public const string HubSpot = "hubspot";

    public static readonly IReadOnlyList<string> All = [Timer, Webhook, HttpPoll, Gmail, HubSpot];
}
