namespace AgentCloud.Credentials.Model;

/// <summary>One read or change of a credential: who, what, when, for which run/tool. Never the secret.</summary>
public sealed class CredentialAuditEntry
{
    public long Id { get; set; }
    public Guid TenantId { get; set; }
    public Guid CredentialId { get; set; }
    public required string Action { get; set; }
    public Guid? ActorUserId { get; set; }
    public string? ActorService { get; set; }
    public Guid? OnBehalfOfUserId { get; set; }
    public string? RunId { get; set; }
    public string? Tool { get; set; }
    public string? Purpose { get; set; }
    public DateTimeOffset At { get; set; }
}

public static class AuditActions
{
    public const string Created = "created";
    public const string Read = "read";
    public const string ReadDenied = "read_denied";
    public const string ReadFailed = "read_failed";
    public const string Updated = "updated";
    public const string Rotated = "rotated";
    public const string Deleted = "deleted";
}
