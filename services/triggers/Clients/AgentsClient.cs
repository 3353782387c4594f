using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;

namespace AgentCloud.Triggers.Clients;

/// <summary>
/// Whether the calling user can see an agent: <c>GET http://agents/agents/{agentId}</c> with the user's own bearer
/// token, so the agents service's visibility rules (owner, scope user|team) decide. 200 with the agent = yes, 404 = no;
/// anything else throws <see cref="HttpRequestException"/> (answered 503).
/// </summary>
public sealed class AgentsClient(HttpClient http)
{
    sealed record AgentSummary(Guid Id, Guid TenantId);

    public async Task<bool> CanSeeAsync(Guid tenantId, Guid agentId, string bearerToken, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"agents/{agentId}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearerToken);
        using var response = await http.SendAsync(request, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
        response.EnsureSuccessStatusCode();
        var agent = await response.Content.ReadFromJsonAsync<AgentSummary>(cancellationToken);
        return agent is not null && agent.Id == agentId && agent.TenantId == tenantId;
    }
}
