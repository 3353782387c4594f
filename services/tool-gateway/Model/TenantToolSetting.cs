namespace AgentCloud.ToolGateway.Model;

public sealed class TenantToolSetting
{
    public Guid TenantId { get; set; }
    public required string ToolKey { get; set; }
    public bool Enabled { get; set; }
    public bool RequireApproval { get; set; }
    public string Configuration { get; set; } = "{}";
    public DateTimeOffset UpdatedAt { get; set; }
}
