namespace AgentCloud.Triggers.Extensions;

/// <summary>The <c>Triggers</c> configuration section: limits, scheduler and listener tuning, provider endpoints.</summary>
public sealed class TriggersSettings
{
    public const string Section = "Triggers";

    /// <summary>Triggers a tenant may have (not counting one-shot timers that already fired); 429 above.</summary>
    public int MaxTriggersPerTenant { get; set; } = 1000;

    /// <summary>Verified webhook deliveries a tenant may make per minute (all its webhook triggers together); 429 above.</summary>
    public int WebhooksPerTenantPerMinute { get; set; } = 600;

    public int WebhookMaxBodyBytes { get; set; } = 256 * 1024;

    /// <summary>How far a delivery's <c>webhook-timestamp</c> may be from now, either way (Standard Webhooks: 5 minutes).</summary>
    public TimeSpan WebhookTolerance { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Base of the webhook URLs shown to users (the public ingress); default: the request's own scheme and host.</summary>
    public string? PublicBaseUrl { get; set; }

    public bool SchedulerEnabled { get; set; } = true;

    /// <summary>Due timers claimed per transaction.</summary>
    public int SchedulerBatchSize { get; set; } = 500;

    /// <summary>Claiming loops per replica (they take disjoint rows, like replicas do).</summary>
    public int SchedulerConcurrency { get; set; } = 2;

    /// <summary>Longest sleep of an idle scheduler (covers timers created through another replica).</summary>
    public TimeSpan SchedulerMaxIdle { get; set; } = TimeSpan.FromSeconds(1);

    public bool ListenersEnabled { get; set; } = true;

    /// <summary>How often a replica looks for due listeners.</summary>
    public TimeSpan ListenerCheckInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Smallest <c>interval_seconds</c> a polling trigger may ask for.</summary>
    public int MinPollIntervalSeconds { get; set; } = 10;

    /// <summary>Longest wait after repeated poll failures (the backoff doubles the interval up to this).</summary>
    public TimeSpan MaxPollBackoff { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Listeners one replica polls at the same time.</summary>
    public int PollConcurrency { get; set; } = 8;

    /// <summary>One poll's time limit; a listener is leased for twice this.</summary>
    public TimeSpan PollTimeout { get; set; } = TimeSpan.FromSeconds(30);

    public int PollMaxResponseBytes { get; set; } = 1024 * 1024;

    /// <summary>CIDRs http_poll may reach besides public addresses (private ranges are refused otherwise: SSRF).</summary>
    public string[] HttpPollAllowedNetworks { get; set; } = [];

    public string GmailBaseUrl { get; set; } = "https://gmail.googleapis.com";

    public string GmailTokenUrl { get; set; } = "https://oauth2.googleapis.com/token";

    public string HubSpotBaseUrl { get; set; } = "https://api.hubapi.com";

    public string HubSpotTokenUrl { get; set; } = "https://api.hubapi.com/oauth/v1/token";

    /// <summary>How long a trigger's event log keeps entries.</summary>
    public TimeSpan EventRetention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How long a polled item stays remembered after it was last seen in the source.</summary>
    public TimeSpan SeenItemRetention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How often old entries and seen items are deleted.</summary>
    public TimeSpan RetentionInterval { get; set; } = TimeSpan.FromHours(1);
}
