using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AgentCloud.Contracts.Triggers;
using AgentCloud.EventBus.CloudEvents;
using AgentCloud.EventBus.Outbox;
using AgentCloud.Testing;
using Npgsql;
using Xunit;

namespace AgentCloud.Triggers.FunctionalTests;

/// <summary>A tenant with one user and one agent the stand-in directory shows them, and the calls tests make as that user.</summary>
public sealed class TestTenant
{
    public TestTenant(TriggersFactory factory)
    {
        Factory = factory;
        factory.Directory.AddAgent(TenantId, AgentId);
        Client = factory.CreateClient(TestTokens.User(TenantId, UserId));
    }

    /// <summary>The same tenant, user and agent, calling another host (a replica, or the service after a restart).</summary>
    public TestTenant(TriggersFactory factory, TestTenant same)
    {
        (Factory, TenantId, UserId, AgentId) = (factory, same.TenantId, same.UserId, same.AgentId);
        factory.Directory.AddAgent(TenantId, AgentId);
        Client = factory.CreateClient(TestTokens.User(TenantId, UserId));
    }

    public TriggersFactory Factory { get; }

    public Guid TenantId { get; } = Guid.NewGuid();

    public Guid UserId { get; } = Guid.NewGuid();

    public Guid AgentId { get; } = Guid.NewGuid();

    public HttpClient Client { get; }

    /// <summary>The tool gateway's own identity (it names the tenant and user in the query).</summary>
    public HttpClient Gateway => Factory.CreateClient(TestTokens.Service("tool-gateway"));

    public string ActingAsGateway => $"tenant_id={TenantId}&user_id={UserId}";

    public Task<HttpResponseMessage> PostAsync(object body, Guid? agentId = null) =>
        Client.PostAsync($"/agent/{agentId ?? AgentId}/trigger", Json(body));

    public async Task<TriggerDetails> CreateAsync(object body)
    {
        using var response = await PostAsync(body);
        Assert.True(response.StatusCode == HttpStatusCode.Created,
            $"create answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}\n{string.Join("\n", Factory.Logs)}");
        return (await response.Content.ReadFromJsonAsync<TriggerDetails>())!;
    }

    public Task<TriggerDetails> CreateTimerAsync(object options, Guid? conversationId = null) =>
        CreateAsync(new { system = "timer", options, conversation_id = conversationId });

    public async Task<TriggerDetails> PatchAsync(Guid triggerId, object body)
    {
        using var response = await Client.PatchAsync($"/agent/{AgentId}/triggers/{triggerId}", Json(body));
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"patch answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<TriggerDetails>())!;
    }

    public async Task<TriggerDetails> GetAsync(Guid triggerId) => (await Client.GetFromJsonAsync<TriggerDetails>($"/triggers/{triggerId}"))!;

    /// <summary>The trigger's event log, oldest first.</summary>
    public async Task<List<TriggerEventEntry>> EventsAsync(Guid triggerId)
    {
        var log = await Client.GetFromJsonAsync<TriggerEventLog>($"/triggers/{triggerId}/events?limit=500");
        return [.. log!.Items.Reverse()];
    }

    /// <summary>The TriggerFired events staged in the outbox for this tenant, oldest first, and whether each was relayed.</summary>
    public async Task<List<(TriggerFired Event, bool Published)>> OutboxAsync()
    {
        await using var connection = new NpgsqlConnection(Factory.Database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            """
            SELECT event_id, time, subject, tenant_id, data, published_at IS NOT NULL FROM event_bus_outbox
            WHERE topic = @topic ORDER BY created_at, id
            """, connection);
        command.Parameters.AddWithValue("topic", "agentcloud.triggers.trigger-fired");
        await using var reader = await command.ExecuteReaderAsync();
        var events = new List<(TriggerFired, bool)>();
        while (await reader.ReadAsync())
        {
            var row = new OutboxMessage
            {
                Topic = "agentcloud.triggers.trigger-fired", EventId = reader.GetString(0), Time = reader.GetFieldValue<DateTimeOffset>(1),
                Subject = reader.IsDBNull(2) ? null : reader.GetString(2), TenantId = reader.IsDBNull(3) ? null : reader.GetString(3),
                Data = reader.GetString(4),
            };
            if (row.TenantId == TenantId.ToString())
            {
                events.Add(((TriggerFired)CloudEventSerializer.Unwrap(row.ToCloudEvent("triggers"), typeof(TriggerFired)), reader.GetBoolean(5)));
            }
        }
        return events;
    }

    /// <summary>Waits until <paramref name="done"/> holds, or fails after <paramref name="seconds"/>.</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> done, string what, int seconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await done())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Timed out waiting for {what}.");
            await Task.Delay(100);
        }
    }

    public static StringContent Json(object body) =>
        new(body as string ?? JsonSerializer.Serialize(body), System.Text.Encoding.UTF8, "application/json");
}
