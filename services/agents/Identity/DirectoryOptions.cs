namespace AgentCloud.Agents.Identity;

/// <summary>The <c>Directory</c> configuration section.</summary>
public sealed class DirectoryOptions
{
    public const string Section = "Directory";

    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(14);

    /// <summary>Failed sign-ins (passwords, refresh tokens, API keys, client secrets) per client address per minute.</summary>
    public int FailedSignInsPerAddressPerMinute { get; set; } = 30;

    /// <summary>Failed sign-ins per account (email, whether or not it exists) or service client id per 5 minutes.</summary>
    public int FailedSignInsPerAccountPer5Minutes { get; set; } = 10;

    /// <summary>Sign-ups (new tenants) per client address per minute, successful or not.</summary>
    public int SignUpsPerAddressPerMinute { get; set; } = 30;

    /// <summary>Seeds the demo tenant on start; only honoured in the Development environment.</summary>
    public bool SeedDemoData { get; set; } = true;
}
