namespace AgentCloud.Credentials.Model;

/// <summary>A tenant's data key, wrapped (AES-256-GCM) by master key <see cref="MasterKeyVersion"/>.</summary>
public sealed class TenantKey
{
    public Guid TenantId { get; set; }
    public int Version { get; set; }
    public required byte[] WrappedKey { get; set; }
    public int MasterKeyVersion { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? RewrappedAt { get; set; }
}
