using System.Collections.Concurrent;
using AgentCloud.Agents.Memory;
using AgentCloud.Agents.Runs;
using Npgsql;

namespace AgentCloud.Agents.Agents;

/// <summary>
/// Every tenant's "Assistant": created on first use (any replica; the unique index keeps one), shared with the whole
/// tenant, owned by the tenant's first owner, with the harmless built-in tools: time, todos, reminders (listed by the
/// gateway once the triggers service provides them; until then simply absent), and facts.
/// </summary>
public sealed class DefaultAgents(NpgsqlDataSource dataSource, AgentDefinitions definitions)
{
    public const string Name = "Assistant";

    public static readonly IReadOnlyList<string> ToolKeys =
    [
        "current_time", "date_add", "list_todos", "add_todo", "update_todo", "delete_todo",
        "create_reminder", "list_reminders", "cancel_reminder", RememberFactTool.Name,
    ];

    public static AgentDefinition Definition => new(Name, "Your general assistant: time, todos, reminders, and what you ask it to remember.",
        Scope: AgentScopes.Team, Tools: [.. ToolKeys.Select(k => new AgentTool(k))]);

    readonly ConcurrentDictionary<Guid, Guid> _known = new();

    public async ValueTask<CurrentAgent> GetAsync(Guid tenantId, Guid fallbackOwner, CancellationToken cancellationToken)
    {
        if (_known.ContainsKey(tenantId) && await definitions.FindDefaultAsync(tenantId, cancellationToken) is { } known)
        {
            return known;
        }
        var id = Guid.CreateVersion7();
        await using var batch = new SqlBatch(dataSource)
            .Add("""
                INSERT INTO agents (id, tenant_id, owner_user_id, scope, name, description, is_default, current_version)
                SELECT $1, $2, coalesce((SELECT u.id FROM users u WHERE u.tenant_id = $2 AND 'owner' = ANY (u.roles) ORDER BY u.created_at LIMIT 1), $3),
                       'team', $4, $5, true, 1
                WHERE EXISTS (SELECT 1 FROM tenants WHERE id = $2)
                ON CONFLICT (tenant_id) WHERE is_default DO NOTHING
                """, id, tenantId, fallbackOwner, Name, Definition.Description)
            .Add("""
                INSERT INTO agent_versions (agent_id, version, tenant_id, definition, created_by)
                SELECT $1, 1, $2, $3, NULL WHERE EXISTS (SELECT 1 FROM agents WHERE id = $1)
                """, id, tenantId, new Jsonb(Definition.ToJson()));
        await batch.ExecuteAsync(cancellationToken);
        var agent = await definitions.FindDefaultAsync(tenantId, cancellationToken)
            ?? throw new InvalidOperationException($"Tenant {tenantId} does not exist.");
        _known[tenantId] = agent.Id;
        return agent;
    }
}
