using System.Collections.Concurrent;
using AgentCloud.Agents.Runs;
using Npgsql;

namespace AgentCloud.Agents.Agents;

public sealed record CurrentAgent(
    Guid Id, Guid TenantId, Guid OwnerUserId, string Scope, Guid? TeamId, bool IsDefault, int Version, AgentDefinition Definition,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>
/// Agent versions are immutable, so each is read from agentsdb once per replica and kept. Which version is current is
/// always read (one small query), so an edit applies to the next run on every replica.
/// </summary>
public sealed class AgentDefinitions(NpgsqlDataSource dataSource)
{
    readonly ConcurrentDictionary<(Guid, int), AgentDefinition> _versions = new();

    public async ValueTask<AgentDefinition> GetAsync(Guid agentId, int version, CancellationToken cancellationToken)
    {
        if (_versions.TryGetValue((agentId, version), out var known))
        {
            return known;
        }
        await using var batch = new SqlBatch(dataSource).Add("SELECT definition::text FROM agent_versions WHERE agent_id = $1 AND version = $2", agentId, version);
        await using var reader = await batch.ReadAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            throw new InvalidOperationException($"Agent {agentId} has no version {version}.");
        }
        return _versions[(agentId, version)] = AgentDefinition.FromJson(reader.GetString(0));
    }

    /// <summary>The agent's current version, or null when it does not exist in the tenant (or was deleted).</summary>
    public async ValueTask<CurrentAgent?> FindCurrentAsync(Guid tenantId, Guid agentId, CancellationToken cancellationToken)
    {
        await using var batch = new SqlBatch(dataSource).Add("""
            SELECT id, tenant_id, owner_user_id, scope, team_id, is_default, current_version, created_at, updated_at FROM agents
            WHERE id = $1 AND tenant_id = $2 AND deleted_at IS NULL
            """, agentId, tenantId);
        return await ReadCurrentAsync(batch, cancellationToken);
    }

    public async ValueTask<CurrentAgent?> FindDefaultAsync(Guid tenantId, CancellationToken cancellationToken)
    {
        await using var batch = new SqlBatch(dataSource).Add("""
            SELECT id, tenant_id, owner_user_id, scope, team_id, is_default, current_version, created_at, updated_at FROM agents
            WHERE tenant_id = $1 AND is_default AND deleted_at IS NULL
            """, tenantId);
        return await ReadCurrentAsync(batch, cancellationToken);
    }

    async ValueTask<CurrentAgent?> ReadCurrentAsync(SqlBatch batch, CancellationToken cancellationToken)
    {
        Guid id, tenant, owner;
        string scope;
        Guid? team;
        bool isDefault;
        int version;
        DateTimeOffset created, updated;
        await using (var reader = await batch.ReadAsync(cancellationToken))
        {
            if (!await reader.ReadAsync(cancellationToken))
            {
                return null;
            }
            (id, tenant, owner, scope, team, isDefault, version) = (reader.GetGuid(0), reader.GetGuid(1), reader.GetGuid(2), reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetGuid(4), reader.GetBoolean(5), reader.GetInt32(6));
            (created, updated) = (reader.GetFieldValue<DateTimeOffset>(7), reader.GetFieldValue<DateTimeOffset>(8));
        }
        return new CurrentAgent(id, tenant, owner, scope, team, isDefault, version, await GetAsync(id, version, cancellationToken), created, updated);
    }
}
