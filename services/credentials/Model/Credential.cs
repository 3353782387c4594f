namespace AgentCloud.Credentials.Model;

public sealed class Credential
{
    public Guid Id { get; set; }
    public Guid TenantId { get; set; }
    public Guid? UserId { get; set; }
    public required string Type { get; set; }
    public required string Name { get; set; }
    public string Meta { get; set; } = "{}";
    public required byte[] Ciphertext { get; set; }
    public int KeyVersion { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
