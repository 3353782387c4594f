namespace AgentCloud.Triggers.Model;

/// <summary>
/// The durable side of one polling listener (shared by every active trigger with the same <see cref="Key"/>): when it
/// polls next, which replica holds it right now (<see cref="LeasedBy"/> until <see cref="LeasedUntil"/>), its cursor in
/// the source, and its failures (backoff). <see cref="CredentialChangedAt"/> is bumped when the credential is rotated
/// or deleted, so every replica fetches it again.
/// </summary>
public sealed class ListenerState
{
    public required string Key { get; set; }
    public Guid TenantId { get; set; }
    public required string System { get; set; }
    public Guid? CredentialId { get; set; }
    public DateTimeOffset NextPollAt { get; set; }
    public DateTimeOffset? LeasedUntil { get; set; }
    public string? LeasedBy { get; set; }
    public int Failures { get; set; }
    public string? LastError { get; set; }
    public DateTimeOffset? LastPolledAt { get; set; }
    public string? Cursor { get; set; }
    public DateTimeOffset? CredentialChangedAt { get; set; }
}
