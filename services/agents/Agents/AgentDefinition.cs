using System.Text.Json;
using System.Text.Json.Nodes;
using AgentCloud.Agents.Decisions;

namespace AgentCloud.Agents.Agents;

/// <summary>
/// Everything an agent is, as one immutable version (stored as JSON in <c>agent_versions.definition</c>; a run records
/// the version it used). Also the body of <c>POST/PUT /agents</c>: a missing field takes its default.
/// </summary>
public sealed record AgentDefinition(
    string Name,
    string Description = "",
    string Instructions = AgentDefaults.Instructions,
    string Scope = AgentScopes.User,
    Guid? TeamId = null,
    AgentModelSettings? Model = null,
    IReadOnlyList<AgentTool>? Tools = null,
    IReadOnlyList<SubAgentLink>? SubAgents = null,
    DecisionPolicy? DecisionPolicy = null,
    string DoubleTexting = DoubleTextingPolicies.Enqueue)
{
    public AgentModelSettings ModelSettings => Model ?? new();

    public IReadOnlyList<AgentTool> EnabledTools => Tools ?? [];

    public IReadOnlyList<SubAgentLink> SubAgentLinks => SubAgents ?? [];

    public DecisionPolicy Policy => DecisionPolicy ?? new();

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static AgentDefinition FromJson(string json) => JsonSerializer.Deserialize<AgentDefinition>(json, Json)!;
}

/// <summary>
/// Model settings. <see cref="ContextBudget"/>: tokens the context may use (system prompt, facts, summary, history,
/// this run's messages); <see cref="HistoryWindow"/>: the newest messages considered (seed 004: 20).
/// </summary>
public sealed record AgentModelSettings(
    string Provider = "offline",
    string Model = Models.OfflineChatClient.ModelName,
    float? Temperature = null,
    int MaxOutputTokens = 1024,
    int ContextBudget = 16_000,
    int HistoryWindow = 20,
    string Timezone = "UTC");

/// <summary>
/// A tool of the catalog (by key) enabled for this agent, with the credential it uses and fixed arguments the model
/// cannot change (they are removed from the schema it sees and set on every call: seed 001's context injection).
/// </summary>
public sealed record AgentTool(string Key, Guid? CredentialId = null, JsonObject? Arguments = null);

/// <summary>Another agent exposed to this one as a tool (<see cref="ToolName"/>, default <c>ask_{agent name}</c>).</summary>
public sealed record SubAgentLink(Guid AgentId, string? ToolName = null, string? Description = null);

public static class AgentScopes
{
    public const string User = "user";
    public const string Team = "team";
}

public static class DoubleTextingPolicies
{
    public const string Enqueue = "enqueue";
    public const string Reject = "reject";
    public const string Interrupt = "interrupt";

    public static readonly IReadOnlyList<string> All = [Enqueue, Reject, Interrupt];
}

public static class AgentDefaults
{
    public const string Instructions = """
        You are {{agent.name}}, a helpful assistant for {{user.name}} at {{tenant.name}}.
        The current time is {{now}} ({{timezone}}).
        Use your tools when they help; say so plainly when you cannot do something.
        """;
}
