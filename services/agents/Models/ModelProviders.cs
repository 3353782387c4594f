using System.Collections.Concurrent;
using AgentCloud.Agents.Runs;
using Microsoft.Extensions.Options;
using Npgsql;

namespace AgentCloud.Agents.Models;

/// <summary>
/// A tenant's OpenAI-compatible provider (table <c>tenant_model_providers</c>): base URL (e.g. https://api.openai.com/v1,
/// an Azure OpenAI resource's /openai/v1, Ollama's http://host:11434/v1, vLLM's /v1), the credential holding its API key
/// (none for servers without keys), and the model used when an agent names none.
/// </summary>
public sealed record TenantModelProvider(Uri Endpoint, Guid? CredentialId, string? Model, DateTimeOffset UpdatedAt);

/// <summary>Reads and writes tenants' provider settings; reads are cached per replica for <see cref="ModelProviderOptions.SettingsCacheDuration"/>.</summary>
public sealed class ModelProviders(NpgsqlDataSource dataSource, TimeProvider time, IOptions<ModelProviderOptions> options)
{
    readonly ConcurrentDictionary<Guid, (DateTimeOffset Read, TenantModelProvider? Provider)> _cache = new();

    public async ValueTask<TenantModelProvider?> GetAsync(Guid tenantId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_cache.TryGetValue(tenantId, out var cached) && now - cached.Read < options.Value.SettingsCacheDuration)
        {
            return cached.Provider;
        }
        await using var batch = new SqlBatch(dataSource)
            .Add("SELECT endpoint, credential_id, default_model, updated_at FROM tenant_model_providers WHERE tenant_id = $1", tenantId);
        await using var reader = await batch.ReadAsync(cancellationToken);
        var provider = await reader.ReadAsync(cancellationToken)
            ? new TenantModelProvider(new Uri(reader.GetString(0)), reader.IsDBNull(1) ? null : reader.GetGuid(1),
                reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetFieldValue<DateTimeOffset>(3))
            : null;
        _cache[tenantId] = (now, provider);
        return provider;
    }

    public async Task<TenantModelProvider> SetAsync(Guid tenantId, Guid userId, TenantModelProvider provider, CancellationToken cancellationToken)
    {
        var saved = provider with { UpdatedAt = time.GetUtcNow() };
        await using var batch = new SqlBatch(dataSource).Add("""
            INSERT INTO tenant_model_providers (tenant_id, endpoint, credential_id, default_model, updated_by, updated_at)
            VALUES ($1, $2, $3, $4, $5, $6)
            ON CONFLICT (tenant_id) DO UPDATE SET endpoint = $2, credential_id = $3, default_model = $4, updated_by = $5, updated_at = $6
            """, tenantId, saved.Endpoint.ToString(), saved.CredentialId, saved.Model, userId, saved.UpdatedAt);
        await batch.ExecuteAsync(cancellationToken);
        _cache.TryRemove(tenantId, out _);
        return saved;
    }

    public async Task<bool> DeleteAsync(Guid tenantId, CancellationToken cancellationToken)
    {
        await using var batch = new SqlBatch(dataSource).Add("DELETE FROM tenant_model_providers WHERE tenant_id = $1 RETURNING tenant_id", tenantId);
        await using var reader = await batch.ReadAsync(cancellationToken);
        var deleted = await reader.ReadAsync(cancellationToken);
        _cache.TryRemove(tenantId, out _);
        return deleted;
    }
}
