namespace AgentCloud.Agents.Model;

public sealed class Tenant
{
    public Guid Id { get; set; }
    public required string Name { get; set; }
    public string LicensePlan { get; set; } = "free";
    public string? ContactPerson { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
