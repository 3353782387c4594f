namespace AgentCloud.Triggers.Model;

/// <summary>
/// Seed 003's trigger: a source system, the agent it starts, the credential its listener uses and the system's options
/// (validated and normalised JSON). <see cref="Version"/> grows with every change, so schedulers and listeners notice.
/// </summary>
public sealed class Trigger
{
    public Guid Id { get; set; }
    public Guid TenantId { get; set; }
    public Guid AgentId { get; set; }
    public Guid? UserId { get; set; }
    public required string System { get; set; }
    public Guid? CredentialId { get; set; }
    public string Options { get; set; } = "{}";
    public bool Active { get; set; } = true;
    public Guid? ConversationId { get; set; }
    public int Version { get; set; } = 1;

    /// <summary>Polling systems: the listener this trigger shares (system, tenant, credential, compatible options).</summary>
    public string? ListenerKey { get; set; }

    /// <summary>Webhooks: the Standard Webhooks signing secret (<c>whsec_</c> + base64), shown only when made.</summary>
    public string? WebhookSecret { get; set; }

    /// <summary>One-shot timers (reminders): when the one fire happened (or was skipped).</summary>
    public DateTimeOffset? CompletedAt { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
