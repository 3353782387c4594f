using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Xunit;

namespace AgentCloud.Agents.FunctionalTests.Runtime;

public sealed class DoubleTextingTests(RuntimeFactory factory) : IClassFixture<RuntimeFactory>
{
    async Task<(TestTenant Tenant, Guid AgentId, ScriptedChatClient Script)> SlowAgentAsync(string policy)
    {
        var tenant = await TestDirectory.SignUpAsync(factory);
        var script = new ScriptedChatClient((m, _) => ScriptedChatClient.Reply("re: " + m[^1].Text)) { Delay = TimeSpan.FromMilliseconds(1500) };
        var agentId = await factory.CreateScriptedAgentAsync(tenant.Owner, script, [], new { doubleTexting = policy });
        return (tenant, agentId, script);
    }

    [Fact]
    public async Task Enqueue_runs_the_second_message_after_the_first_and_in_order()
    {
        var (tenant, agentId, _) = await SlowAgentAsync("enqueue");
        var first = await RuntimeFactory.ReadAsync(await RuntimeFactory.ChatAsync(tenant.Owner, tenant.OwnerId, "first", agentId: agentId, async: true),
            HttpStatusCode.Accepted);
        var session = first.GetProperty("sessionId").GetGuid();

        using var second = await RuntimeFactory.ChatAsync(tenant.Owner, tenant.OwnerId, "second", session);

        var answer = await RuntimeFactory.ReadAsync(second, HttpStatusCode.OK);
        Assert.Equal("re: second", answer.GetProperty("response").GetString());
        var messages = await tenant.Owner.GetFromJsonAsync<JsonElement>($"/agent/conversations/{tenant.TenantId}/sessions/{session}/messages");
        Assert.Equal(["first", "re: first", "second", "re: second"], messages.EnumerateArray().Select(m => m.GetProperty("content").GetString()));
    }

    [Fact]
    public async Task Reject_answers_409_while_a_run_is_active()
    {
        var (tenant, agentId, _) = await SlowAgentAsync("reject");
        var first = await RuntimeFactory.ReadAsync(await RuntimeFactory.ChatAsync(tenant.Owner, tenant.OwnerId, "first", agentId: agentId, async: true),
            HttpStatusCode.Accepted);
        var session = first.GetProperty("sessionId").GetGuid();

        using var second = await RuntimeFactory.ChatAsync(tenant.Owner, tenant.OwnerId, "second", session);
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);

        await RuntimeFactory.WaitForRunAsync(tenant.Owner, first.GetProperty("runId").GetGuid(), "completed");
        using var third = await RuntimeFactory.ChatAsync(tenant.Owner, tenant.OwnerId, "third", session);
        Assert.Equal("re: third", (await RuntimeFactory.ReadAsync(third, HttpStatusCode.OK)).GetProperty("response").GetString());
    }

    [Fact]
    public async Task Interrupt_cancels_the_active_run_and_runs_the_new_message()
    {
        var (tenant, agentId, _) = await SlowAgentAsync("interrupt");
        var first = await RuntimeFactory.ReadAsync(await RuntimeFactory.ChatAsync(tenant.Owner, tenant.OwnerId, "first", agentId: agentId, async: true),
            HttpStatusCode.Accepted);
        var session = first.GetProperty("sessionId").GetGuid();
        await Task.Delay(300); // the first run is inside its slow model call

        using var second = await RuntimeFactory.ChatAsync(tenant.Owner, tenant.OwnerId, "second", session);

        Assert.Equal("re: second", (await RuntimeFactory.ReadAsync(second, HttpStatusCode.OK)).GetProperty("response").GetString());
        var cancelled = await tenant.Owner.GetFromJsonAsync<JsonElement>($"/runs/{first.GetProperty("runId").GetGuid()}");
        Assert.Equal(("cancelled", "interrupted"), (cancelled.GetProperty("status").GetString(), cancelled.GetProperty("errorCode").GetString()));
        var failed = Assert.Single(await factory.OutboxEventsAsync("agentcloud.agents.run-failed", first.GetProperty("runId").GetGuid()));
        Assert.Equal("cancelled", failed.GetProperty("data").GetProperty("status").GetString());
        await Task.Delay(1500); // the interrupted worker's model call returns: it must not write its answer
        var messages = await tenant.Owner.GetFromJsonAsync<JsonElement>($"/agent/conversations/{tenant.TenantId}/sessions/{session}/messages");
        Assert.Equal(["first", "second", "re: second"], messages.EnumerateArray().Select(m => m.GetProperty("content").GetString()));
    }

    [Fact]
    public async Task Cancel_stops_a_run_and_frees_its_conversation()
    {
        var (tenant, agentId, _) = await SlowAgentAsync("reject");
        var first = await RuntimeFactory.ReadAsync(await RuntimeFactory.ChatAsync(tenant.Owner, tenant.OwnerId, "first", agentId: agentId, async: true),
            HttpStatusCode.Accepted);
        var runId = first.GetProperty("runId").GetGuid();

        using var cancel = await tenant.Owner.PostAsync($"/runs/{runId}/cancel", null);
        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await tenant.Owner.PostAsync($"/runs/{runId}/cancel", null)).StatusCode);

        using var next = await RuntimeFactory.ChatAsync(tenant.Owner, tenant.OwnerId, "next", first.GetProperty("sessionId").GetGuid());
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
    }
}
