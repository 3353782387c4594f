using System.Text.Json;
using AgentCloud.Agents.Decisions;
using AgentCloud.Agents.Loop;
using AgentCloud.Agents.Runs;

namespace AgentCloud.Agents.Memory;

/// <summary>
/// Seed 001's user-fact tool, executed by the runtime itself: the fact is stored in the same write as the step's
/// result, under the step's id, so a resumed run cannot store it twice.
/// </summary>
public static class RememberFactTool
{
    public const string Name = "remember_fact";
    public const int MaxLength = 500;
    public const int MaxFactsPerUser = 200;

    public static readonly RuntimeTool Definition = new(Name,
        "Remembers a lasting fact about the user (a preference, a name, a detail they asked you to keep) for all future conversations.",
        JsonSerializer.SerializeToElement(new
        {
            type = "object",
            properties = new { fact = new { type = "string", description = "The fact, as one short sentence.", minLength = 1, maxLength = MaxLength } },
            required = new[] { "fact" },
        }),
        RuntimeToolKind.Fact, DecisionLevels.Automatic);

    /// <summary>Adds the insert to the step's write; returns the result the model reads, or an error for bad arguments.</summary>
    public static (bool Ok, JsonElement Result) Stage(SqlBatch batch, RunState state, StepRecord step, JsonElement arguments)
    {
        var fact = arguments.ValueKind == JsonValueKind.Object && arguments.TryGetProperty("fact", out var f) && f.ValueKind == JsonValueKind.String
            ? f.GetString()!.Trim() : "";
        if (fact.Length is 0 or > MaxLength)
        {
            return (false, JsonSerializer.SerializeToElement(new { error = $"A fact of 1 to {MaxLength} characters is required." }));
        }
        batch.Add("""
            INSERT INTO user_facts (id, tenant_id, user_id, fact, agent_id, run_id)
            SELECT $1, $2, $3, $4, $5, $6
            WHERE (SELECT count(*) FROM user_facts WHERE tenant_id = $2 AND user_id = $3) < $7
            ON CONFLICT (id) DO NOTHING
            """, step.Id, state.Run.TenantId, state.Run.UserId, fact, state.Run.AgentId, state.Run.Id, MaxFactsPerUser);
        return (true, JsonSerializer.SerializeToElement(new { remembered = fact }));
    }
}
