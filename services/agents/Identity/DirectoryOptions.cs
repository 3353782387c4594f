namespace AgentCloud.Agents.Identity;

/// <summary>The <c>Directory</c> configuration section.</summary>
public sealed class DirectoryOptions
{
    public const string Section = "Directory";

    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(14);

    /// <summary>Sign-in and sign-up attempts per client IP per minute.</summary>
    public int SignInPerIpPerMinute { get; set; } = 30;

    /// <summary>Sign-in attempts per account (email) per 5 minutes, whether or not the email exists.</summary>
    public int SignInPerAccountPer5Minutes { get; set; } = 10;

    /// <summary>Seeds the demo tenant on start; only honoured in the Development environment.</summary>
    public bool SeedDemoData { get; set; } = true;
}
