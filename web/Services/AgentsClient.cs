using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using AgentCloud.Web.Session;

namespace AgentCloud.Web.Services;

public sealed record AgentModel(string Provider, string Model);

public sealed record AgentToolRef(string Key, Guid? CredentialId = null);

public sealed record AgentItem(Guid Id, string Name, string Description, bool IsDefault, int Version, string Instructions, AgentModel Model,
    IReadOnlyList<AgentToolRef> Tools, DateTimeOffset UpdatedAt);

/// <summary>A new agent; empty instructions are left out, so the service's default instructions apply.</summary>
public sealed record NewAgent(string Name, string Description, string? Instructions, IReadOnlyList<AgentToolRef> Tools)
{
    public Dictionary<string, object> ToBody()
    {
        var body = new Dictionary<string, object> { ["name"] = Name, ["description"] = Description, ["tools"] = Tools };
        if (!string.IsNullOrWhiteSpace(Instructions))
        {
            body["instructions"] = Instructions;
        }
        return body;
    }
}

public sealed record ConversationItem(Guid Id, Guid AgentId, string Title, Guid? ActiveRunId, DateTimeOffset UpdatedAt);

public sealed record MessageItem(Guid Id, Guid? RunId, string Role, string Content, JsonElement? ToolCalls, JsonElement? ToolResults, DateTimeOffset Timestamp);

public sealed record StepItem(Guid Id, int Seq, string Kind, string Status, string? ToolKey, string? DecisionLevel, JsonElement? Data);

public sealed record RunItem(Guid Id, Guid SessionId, string Status, string? StatusMessage, string? ErrorCode, bool UsingStub, long TokensCharged,
    string? TraceId, DateTimeOffset CreatedAt, List<StepItem>? Steps);

/// <summary>A turn the agents service accepted: follow the run.</summary>
public sealed record StartedTurn(
    [property: JsonPropertyName("runId")] Guid RunId,
    [property: JsonPropertyName("sessionId")] Guid SessionId);

/// <summary>The agents service as the signed-in user sees it: agents, conversations, runs and their approvals.</summary>
public sealed class AgentsClient(HttpClient http, CurrentUser user) : ServiceClient(http, user)
{
    sealed record ChatAnswer([property: JsonPropertyName("run_id")] Guid RunId, [property: JsonPropertyName("session_id")] Guid SessionId);

    public Task<List<AgentItem>> ListAgentsAsync(CancellationToken cancellationToken) => GetAsync<List<AgentItem>>("/agents", cancellationToken);

    public Task<AgentItem> CreateAgentAsync(NewAgent agent, CancellationToken cancellationToken) =>
        SendAsync<AgentItem>(HttpMethod.Post, "/agents", agent.ToBody(), cancellationToken);

    public async Task<List<ConversationItem>> ListConversationsAsync(CancellationToken cancellationToken)
    {
        var me = await User.GetAsync();
        return await GetAsync<List<ConversationItem>>($"/agent/conversations/{me.TenantId}/users/{me.UserId}?limit=50", cancellationToken);
    }

    public async Task<List<MessageItem>> ListMessagesAsync(Guid conversationId, CancellationToken cancellationToken)
    {
        var me = await User.GetAsync();
        return await GetAsync<List<MessageItem>>($"/agent/conversations/{me.TenantId}/sessions/{conversationId}/messages?limit=200", cancellationToken);
    }

    public Task<List<RunItem>> ListRunsAsync(Guid conversationId, CancellationToken cancellationToken) =>
        GetAsync<List<RunItem>>($"/runs?conversationId={conversationId}&limit=200", cancellationToken);

    public Task<RunItem> GetRunAsync(Guid runId, CancellationToken cancellationToken) => GetAsync<RunItem>($"/runs/{runId}", cancellationToken);

    /// <summary>Sends a message and returns at once (<c>Prefer: respond-async</c>); the answer comes through the run's stream.</summary>
    public async Task<StartedTurn> SendMessageAsync(string message, Guid? conversationId, Guid? agentId, CancellationToken cancellationToken)
    {
        var me = await User.GetAsync();
        using var response = await SendAsync(HttpMethod.Post, $"/api/{me.UserId}/chat",
            new Dictionary<string, string?> { ["message"] = message, ["conversation_id"] = conversationId?.ToString(), ["agent_id"] = agentId?.ToString() },
            cancellationToken, request => request.Headers.Add("Prefer", "respond-async"));
        if (response.StatusCode == System.Net.HttpStatusCode.Accepted)
        {
            return (await response.Content.ReadFromJsonAsync<StartedTurn>(JsonSerializerOptions.Web, cancellationToken))!;
        }
        var answer = (await response.Content.ReadFromJsonAsync<ChatAnswer>(cancellationToken))!;
        return new(answer.RunId, answer.SessionId);
    }

    public async Task ApproveRunAsync(Guid runId, CancellationToken cancellationToken) =>
        (await SendAsync(HttpMethod.Post, $"/runs/{runId}/approve", new { }, cancellationToken)).Dispose();

    public async Task RejectRunAsync(Guid runId, string? reason, CancellationToken cancellationToken) =>
        (await SendAsync(HttpMethod.Post, $"/runs/{runId}/reject", new { reason }, cancellationToken)).Dispose();
}
