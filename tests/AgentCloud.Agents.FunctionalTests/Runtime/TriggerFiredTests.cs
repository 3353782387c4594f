using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AgentCloud.Contracts.Triggers;
using AgentCloud.EventBus.Abstractions;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace AgentCloud.Agents.FunctionalTests.Runtime;

/// <summary>
/// Events in: a <see cref="TriggerFired"/> published on the real bus (Redis) becomes a run of the trigger's agent, a
/// reminder coming back into its conversation as a tool-role <c>reminder_triggered</c> message.
/// </summary>
public sealed class TriggerFiredTests(RuntimeFactory factory) : IClassFixture<RuntimeFactory>
{
    [Fact]
    public async Task A_reminder_comes_back_into_its_conversation_as_a_reminder_triggered_message_and_the_agent_answers()
    {
        var tenant = await TestDirectory.SignUpAsync(factory);
        var first = await RuntimeFactory.ReadAsync(await RuntimeFactory.ChatAsync(tenant.Owner, tenant.OwnerId, "Hello"), HttpStatusCode.OK);
        var sessionId = first.GetProperty("session_id").GetGuid();
        var agentId = (await tenant.Owner.GetFromJsonAsync<JsonElement>($"/runs/{first.GetProperty("run_id").GetGuid()}")).GetProperty("agentId").GetGuid();

        var fired = Fired(tenant, agentId) with { ConversationId = sessionId, Reminder = "Call the dentist", System = TriggerSystems.Timer };
        await PublishAsync(fired);

        var run = await RuntimeFactory.WaitForRunAsync(tenant.Owner, Guid.Parse(fired.Id), "completed", "failed");
        Assert.Equal(("reminder", sessionId, tenant.OwnerId), (run.GetProperty("inputKind").GetString(), run.GetProperty("sessionId").GetGuid(),
            run.GetProperty("userId").GetGuid()));
        var messages = (await tenant.Owner.GetFromJsonAsync<JsonElement>(
            $"/agent/conversations/{tenant.TenantId}/sessions/{sessionId}/messages?limit=20")).EnumerateArray().ToList();
        var reminder = Assert.Single(messages, m => m.GetProperty("role").GetString() == "tool");
        Assert.Equal("reminder_triggered: Call the dentist", reminder.GetProperty("content").GetString());
        Assert.Contains(messages, m => m.GetProperty("role").GetString() == "assistant" && m.GetProperty("runId").GetGuid() == Guid.Parse(fired.Id));
    }

    [Fact]
    public async Task A_trigger_without_a_conversation_starts_a_new_one_and_a_redelivery_starts_no_second_run()
    {
        var tenant = await TestDirectory.SignUpAsync(factory);
        var agentId = await factory.CreateAgentAsync(tenant.Owner, new { name = "Watcher" });
        var fired = Fired(tenant, agentId) with { System = TriggerSystems.Webhook, Payload = JsonSerializer.SerializeToElement(new { order = 42 }) };

        await PublishAsync(fired);
        var run = await RuntimeFactory.WaitForRunAsync(tenant.Owner, Guid.Parse(fired.Id), "completed", "failed");
        await PublishAsync(fired);
        await PublishAsync(fired with { ConversationId = run.GetProperty("sessionId").GetGuid() });
        await Task.Delay(1500);

        Assert.Equal("trigger", run.GetProperty("inputKind").GetString());
        Assert.Equal(1, await factory.CountAsync("SELECT count(*) FROM runs WHERE agent_id = $1", agentId));
        var sessionId = run.GetProperty("sessionId").GetGuid();
        var messages = await tenant.Owner.GetFromJsonAsync<JsonElement>($"/agent/conversations/{tenant.TenantId}/sessions/{sessionId}/messages");
        var note = Assert.Single(messages.EnumerateArray(), m => m.GetProperty("role").GetString() == "tool").GetProperty("content").GetString();
        Assert.StartsWith("trigger_fired: webhook at ", note);
        Assert.Contains("""{"order":42}""", note);
    }

    [Fact]
    public async Task A_trigger_for_an_agent_of_another_tenant_or_a_user_who_cannot_use_it_starts_nothing()
    {
        var tenant = await TestDirectory.SignUpAsync(factory);
        var other = await TestDirectory.SignUpAsync(factory);
        var agentId = await factory.CreateAgentAsync(tenant.Owner, new { name = "Private", scope = "user" });
        var member = await TestDirectory.AddUserAsync(factory, tenant);

        var otherTenant = Fired(other, agentId);
        var notOwner = Fired(tenant, agentId) with { UserId = member.Id };
        var unknownAgent = Fired(tenant, Guid.NewGuid());
        foreach (var fired in new[] { otherTenant, notOwner, unknownAgent })
        {
            await PublishAsync(fired);
        }
        // A fire that does start a run, published last: once it ran, the ones before were handled too.
        var control = Fired(tenant, agentId);
        await PublishAsync(control);
        await RuntimeFactory.WaitForRunAsync(tenant.Owner, Guid.Parse(control.Id), "completed", "failed");

        Assert.Equal(1, await factory.CountAsync("SELECT count(*) FROM runs WHERE agent_id = $1", agentId));
    }

    static TriggerFired Fired(TestTenant tenant, Guid agentId) =>
        new(Guid.NewGuid(), agentId, TriggerSystems.Timer, DateTimeOffset.UtcNow, JsonSerializer.SerializeToElement(new { }), tenant.OwnerId)
        {
            TenantId = tenant.TenantId.ToString(),
            Subject = Guid.NewGuid().ToString(),
        };

    Task PublishAsync(TriggerFired fired) => factory.Services.GetRequiredService<IEventBus>().PublishAsync(fired);
}
