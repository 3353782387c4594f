using AgentCloud.Agents.Model;

namespace AgentCloud.Agents.Conversations;

/// <summary>Seed 004's agent_sessions row (lease columns are the runtime's: see Migrations/0004_conversations.sql).</summary>
public sealed class Conversation : ITenantOwned
{
    public Guid Id { get; set; }
    public Guid TenantId { get; set; }
    public Guid UserId { get; set; }
    public Guid AgentId { get; set; }
    public Guid? LocationId { get; set; }
    public Guid? ParentSessionId { get; set; }
    public string Title { get; set; } = "";
    public string? Summary { get; set; }
    public Guid? ActiveRunId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>Seed 004's agent_messages row.</summary>
public sealed class Message : ITenantOwned
{
    public Guid Id { get; set; }
    public Guid SessionId { get; set; }
    public Guid TenantId { get; set; }
    public Guid? UserId { get; set; }
    public Guid? RunId { get; set; }
    public long Seq { get; set; }
    public required string Role { get; set; }
    public string Content { get; set; } = "";
    public string? ToolCalls { get; set; }
    public string? ToolCallResults { get; set; }
    public int? InputTokens { get; set; }
    public int? OutputTokens { get; set; }
    public int TokenCount { get; set; }
    public DateTimeOffset Timestamp { get; set; }
}
