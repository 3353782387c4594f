using System.Text.Json;

namespace AgentCloud.ToolGateway.Clients;

public interface IPermissionsClient
{
    /// <summary>The user's effective permission strings (business → user → location inheritance is the agents
    /// service's business); null when the user is unknown to it.</summary>
    Task<IReadOnlySet<string>?> GetEffectivePermissionsAsync(Guid tenantId, Guid userId, Guid? locationId, CancellationToken cancellationToken);
}

/// <summary><c>GET http://agents/users/{id}/permissions?locationId=</c> with this service's identity. Accepts a bare
/// array of strings or an object with a <c>permissions</c> array.</summary>
public sealed class PermissionsClient(HttpClient http) : IPermissionsClient
{
    public async Task<IReadOnlySet<string>?> GetEffectivePermissionsAsync(
        Guid tenantId, Guid userId, Guid? locationId, CancellationToken cancellationToken)
    {
        var url = $"users/{userId}/permissions?tenantId={tenantId}" + (locationId is { } l ? $"&locationId={l}" : "");
        using var response = await http.GetAsync(url, cancellationToken);
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
        response.EnsureSuccessStatusCode();
        using var body = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
        var list = body.RootElement.ValueKind == JsonValueKind.Array ? body.RootElement
            : body.RootElement.TryGetProperty("permissions", out var p) && p.ValueKind == JsonValueKind.Array ? p
            : throw new InvalidOperationException("The permissions answer has no permissions array.");
        return list.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!).ToHashSet(StringComparer.Ordinal);
    }
}
