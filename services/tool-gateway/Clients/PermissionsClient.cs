using System.Net;
using System.Net.Http.Json;

namespace AgentCloud.ToolGateway.Clients;

public interface IPermissionsClient
{
    /// <summary>The user's effective permission strings (business → user → location inheritance is the agents
    /// service's business); null when the user is unknown to it.</summary>
    Task<IReadOnlySet<string>?> GetEffectivePermissionsAsync(Guid tenantId, Guid userId, Guid? locationId, CancellationToken cancellationToken);
}

/// <summary><c>GET http://agents/tenants/{tenantId}/users/{id}/permissions?locationId=</c> with this service's identity.</summary>
public sealed class PermissionsClient(HttpClient http) : IPermissionsClient
{
    sealed record EffectivePermission(string Permission);

    sealed record EffectivePermissions(IReadOnlyList<EffectivePermission> Permissions);

    public async Task<IReadOnlySet<string>?> GetEffectivePermissionsAsync(
        Guid tenantId, Guid userId, Guid? locationId, CancellationToken cancellationToken)
    {
        var url = $"tenants/{tenantId}/users/{userId}/permissions" + (locationId is { } l ? $"?locationId={l}" : "");
        using var response = await http.GetAsync(url, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
        response.EnsureSuccessStatusCode();
        var effective = await response.Content.ReadFromJsonAsync<EffectivePermissions>(cancellationToken)
            ?? throw new InvalidOperationException("The agents service answered permissions without a body.");
        return effective.Permissions.Select(p => p.Permission).ToHashSet(StringComparer.Ordinal);
    }
}
