using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Xunit;

namespace AgentCloud.Agents.FunctionalTests.Runtime;

public sealed class ContextAndBudgetTests(RuntimeFactory factory) : IClassFixture<RuntimeFactory>
{
    static string Words(string word, int count) => string.Join(' ', Enumerable.Range(0, count).Select(i => $"{word}{i}"));

    [Fact]
    public async Task Older_messages_are_summarized_into_the_system_prompt()
    {
        var tenant = await TestDirectory.SignUpAsync(factory);
        var script = new ScriptedChatClient((m, _) => m[0].Text.StartsWith("You keep the memory")
            ? ScriptedChatClient.Reply("SUMMARY: the user counted to seven")
            : ScriptedChatClient.Reply("ok " + m[^1].Text));
        var agentId = await factory.CreateScriptedAgentAsync(tenant.Owner, script, [], new { model = new { provider = "scripted", model = RuntimeFactory.UseScript(script), historyWindow = 2 } });
        Guid? session = null;
        for (var i = 1; i <= 8; i++)
        {
            var answer = await RuntimeFactory.ReadAsync(await RuntimeFactory.ChatAsync(tenant.Owner, tenant.OwnerId, $"count {i}", session, session is null ? agentId : null),
                HttpStatusCode.OK);
            session = answer.GetProperty("session_id").GetGuid();
        }

        var last = script.Calls.Last();
        Assert.Equal(ChatRole.System, last[0].Role);
        Assert.Contains("SUMMARY: the user counted to seven", last[0].Text);
        Assert.Equal("count 8", last[^1].Text);
        Assert.Equal(3, last.Count); // system, the window's one earlier message, the current one
        var conversation = await tenant.Owner.GetFromJsonAsync<JsonElement>($"/agent/conversations/{tenant.TenantId}/sessions/{session}");
        Assert.StartsWith("SUMMARY", conversation.GetProperty("summary").GetString());
        var runs = await tenant.Owner.GetFromJsonAsync<JsonElement>($"/runs?conversationId={session}");
        var firstSteps = new List<string?>();
        foreach (var listed in runs.EnumerateArray())
        {
            var run = await tenant.Owner.GetFromJsonAsync<JsonElement>($"/runs/{listed.GetProperty("id").GetGuid()}");
            firstSteps.Add(run.GetProperty("steps")[0].GetProperty("kind").GetString());
        }
        Assert.Equal(1, firstSteps.Count(k => k == "summary")); // once enough messages had left the window
    }

    [Fact]
    public async Task Over_budget_the_oldest_history_goes_first_never_the_system_prompt_or_the_current_message()
    {
        var tenant = await TestDirectory.SignUpAsync(factory);
        var script = new ScriptedChatClient((m, _) => ScriptedChatClient.Reply("ok"));
        var agentId = await factory.CreateScriptedAgentAsync(tenant.Owner, script, [],
            new { instructions = "SYSTEM-RULES for {{user.name}}", model = new { provider = "scripted", model = RuntimeFactory.UseScript(script), contextBudget = 1_500, maxOutputTokens = 200 } });
        var first = await RuntimeFactory.ReadAsync(await RuntimeFactory.ChatAsync(tenant.Owner, tenant.OwnerId, Words("alpha", 500), agentId: agentId), HttpStatusCode.OK);

        var second = await RuntimeFactory.ReadAsync(await RuntimeFactory.ChatAsync(tenant.Owner, tenant.OwnerId, Words("beta", 500),
            first.GetProperty("session_id").GetGuid()), HttpStatusCode.OK);

        var seen = script.Calls.Last();
        Assert.StartsWith("SYSTEM-RULES for Owner", seen[0].Text);
        Assert.StartsWith("beta0", seen[^1].Text);
        Assert.DoesNotContain(seen, m => m.Text.StartsWith("alpha0"));
        var run = await tenant.Owner.GetFromJsonAsync<JsonElement>($"/runs/{second.GetProperty("run_id").GetGuid()}");
        var context = run.GetProperty("steps")[0].GetProperty("data").GetProperty("context");
        Assert.True(context.GetProperty("droppedMessages").GetInt32() >= 1);
        Assert.True(context.GetProperty("tokens").GetInt32() <= context.GetProperty("budget").GetInt32());

        // A current message that cannot fit at all stops the run clearly instead of being cut.
        using var tooBig = await RuntimeFactory.ChatAsync(tenant.Owner, tenant.OwnerId, Words("gamma", 900), agentId: agentId);
        Assert.Equal("context_budget_exceeded", (await RuntimeFactory.ReadAsync(tooBig, HttpStatusCode.UnprocessableEntity)).GetProperty("code").GetString());
    }

    [Fact]
    public async Task A_run_stops_cleanly_when_the_tenant_cannot_pay_for_its_next_model_call()
    {
        var tenant = await TestDirectory.SignUpAsync(factory);
        factory.Peers.SetBalance(tenant.TenantId, 1); // one model call
        var agentId = await factory.CreateScriptedAgentAsync(tenant.Owner, ScriptedChatClient.ToolsThenReply(("current_time", new { })), ["current_time"]);

        using var response = await RuntimeFactory.ChatAsync(tenant.Owner, tenant.OwnerId, "time?", agentId: agentId);

        var problem = await RuntimeFactory.ReadAsync(response, HttpStatusCode.PaymentRequired);
        Assert.Equal("insufficient_tokens", problem.GetProperty("code").GetString());
        var run = await tenant.Owner.GetFromJsonAsync<JsonElement>($"/runs/{problem.GetProperty("runId").GetGuid()}");
        Assert.Equal(("failed", "insufficient_tokens"), (run.GetProperty("status").GetString(), run.GetProperty("errorCode").GetString()));
        Assert.Equal(["model_call", "tool_call"], run.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("kind").GetString()));
        Assert.Equal("succeeded", run.GetProperty("steps")[1].GetProperty("status").GetString());
        Assert.Contains("cannot pay", run.GetProperty("statusMessage").GetString());
    }

    [Fact]
    public async Task A_run_stops_cleanly_when_the_tenant_cannot_pay_for_a_tool_call()
    {
        var tenant = await TestDirectory.SignUpAsync(factory);
        factory.Peers.SetBalance(tenant.TenantId, 1); // the model call takes it; web_search costs 1 more
        var agentId = await factory.CreateScriptedAgentAsync(tenant.Owner, ScriptedChatClient.ToolsThenReply(("web_search", new { query = "x" })), ["web_search"]);

        using var response = await RuntimeFactory.ChatAsync(tenant.Owner, tenant.OwnerId, "search", agentId: agentId);

        var problem = await RuntimeFactory.ReadAsync(response, HttpStatusCode.PaymentRequired);
        Assert.Contains("web_search", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_sub_agent_runs_as_a_nested_run_whose_cost_goes_to_the_parent()
    {
        var tenant = await TestDirectory.SignUpAsync(factory);
        var child = await factory.CreateScriptedAgentAsync(tenant.Owner, new ScriptedChatClient((m, _) => ScriptedChatClient.Reply("child says 42")), []);
        var parentScript = new ScriptedChatClient((m, _) => m[^1].Role == ChatRole.Tool
            ? ScriptedChatClient.Reply("Parent heard: " + m[^1].Contents.OfType<FunctionResultContent>().Single().Result)
            : ScriptedChatClient.Call(null, ("ask_expert", new { request = "What is the answer?" })));
        var parent = await factory.CreateScriptedAgentAsync(tenant.Owner, parentScript, [], new { subAgents = new[] { new { agentId = child, toolName = "ask_expert" } } });

        var answer = await RuntimeFactory.ReadAsync(await RuntimeFactory.ChatAsync(tenant.Owner, tenant.OwnerId, "ask the expert", agentId: parent), HttpStatusCode.OK);

        Assert.Contains("child says 42", answer.GetProperty("response").GetString());
        var run = await tenant.Owner.GetFromJsonAsync<JsonElement>($"/runs/{answer.GetProperty("run_id").GetGuid()}");
        var call = run.GetProperty("steps").EnumerateArray().Single(s => s.GetProperty("kind").GetString() == "tool_call");
        var childRunId = call.GetProperty("data").GetProperty("result").GetProperty("childRunId").GetGuid();
        var childRun = await tenant.Owner.GetFromJsonAsync<JsonElement>($"/runs/{childRunId}");
        Assert.Equal(run.GetProperty("id").GetGuid(), childRun.GetProperty("parentRunId").GetGuid());
        Assert.Equal(("completed", 1), (childRun.GetProperty("status").GetString(), childRun.GetProperty("depth").GetInt32()));
        Assert.Equal(2, run.GetProperty("modelCalls").GetInt32());
        Assert.Equal(3, run.GetProperty("tokensCharged").GetInt64()); // its two model calls and the child's one
    }
}
