using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AgentCloud.Testing;
using Microsoft.Extensions.AI;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using CallContext = AgentCloud.Contracts.Tools.CallContext;
using Xunit;

namespace AgentCloud.Agents.FunctionalTests.Runtime;

public sealed class TurnTests(RuntimeFactory factory) : IClassFixture<RuntimeFactory>
{
    [Fact]
    public async Task A_turn_with_two_tool_calls_runs_both_once_and_answers_with_their_results()
    {
        var tenant = await TestDirectory.SignUpAsync(factory);
        var script = ScriptedChatClient.ToolsThenReply(("current_time", new { timezone = "Europe/Paris" }), ("add_todo", new { title = "Buy milk" }));
        var agentId = await factory.CreateScriptedAgentAsync(tenant.Owner, script, ["current_time", "add_todo"]);

        using var response = await RuntimeFactory.ChatAsync(tenant.Owner, tenant.OwnerId, "What time is it? Also add a todo: Buy milk", agentId: agentId);

        var body = await RuntimeFactory.ReadAsync(response, HttpStatusCode.OK);
        Assert.StartsWith("Done: ", body.GetProperty("response").GetString());
        Assert.Contains("Buy milk", body.GetProperty("response").GetString());
        Assert.Equal(["current_time", "add_todo"], body.GetProperty("tool_calls").EnumerateArray().Select(c => c.GetProperty("name").GetString()));
        Assert.All(body.GetProperty("tool_results").EnumerateArray(), r => Assert.Equal("succeeded", r.GetProperty("status").GetString()));
        Assert.False(body.GetProperty("using_stub").GetBoolean());

        var runId = body.GetProperty("run_id").GetGuid();
        var run = await tenant.Owner.GetFromJsonAsync<JsonElement>($"/runs/{runId}");
        Assert.Equal("completed", run.GetProperty("status").GetString());
        Assert.Equal(["model_call", "tool_call", "tool_call", "model_call"], run.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("kind").GetString()));
        Assert.Equal(2, run.GetProperty("modelCalls").GetInt32());
        Assert.Equal(2, run.GetProperty("toolCalls").GetInt32());
        Assert.Equal(2, run.GetProperty("tokensCharged").GetInt64()); // two model calls at internal_api_llm = 1

        // Each tool call went to the gateway once, with the step id as its tool call id and the run's context.
        var toolSteps = run.GetProperty("steps").EnumerateArray().Where(s => s.GetProperty("kind").GetString() == "tool_call").ToList();
        foreach (var step in toolSteps)
        {
            var id = step.GetProperty("id").GetGuid().ToString();
            Assert.Equal(1, factory.Peers.Executions[id]);
            var sent = Assert.Single(factory.Peers.Invocations, i => i.Request.ToolCallId == id).Request;
            Assert.Equal((tenant.TenantId, tenant.OwnerId, agentId, runId), (sent.TenantId, sent.UserId, sent.AgentId, sent.RunId));
        }
        Assert.Equal(2, factory.Peers.HoldRequests.Count(h => h.IdempotencyKey.StartsWith($"model:{runId}:")));

        var completed = Assert.Single(await factory.OutboxEventsAsync("agentcloud.agents.run-completed", runId)).GetProperty("data");
        Assert.Equal((2, 2, tenant.OwnerId), (completed.GetProperty("modelCalls").GetInt32(), completed.GetProperty("toolCalls").GetInt32(),
            completed.GetProperty("userId").GetGuid()));

        // The model's second call saw its own calls and both results.
        var second = script.Calls.Last();
        Assert.Equal(ChatRole.Tool, second[^1].Role);
        Assert.Equal(2, second[^1].Contents.OfType<FunctionResultContent>().Count());
    }

    [Fact]
    public async Task Each_tool_call_carries_its_conversation_and_a_signed_statement_of_the_users_permissions()
    {
        var tenant = await TestDirectory.SignUpAsync(factory);
        var member = await TestDirectory.AddUserAsync(factory, tenant);
        var script = ScriptedChatClient.ToolsThenReply(("current_time", new { timezone = "UTC" }));
        var agentId = await factory.CreateScriptedAgentAsync(tenant.Owner, script, ["current_time"], new { scope = "team" });

        foreach (var (user, client) in new[] { (tenant.OwnerId, tenant.Owner), (member.Id, member.Client) })
        {
            var body = await RuntimeFactory.ReadAsync(await RuntimeFactory.ChatAsync(client, user, "What time is it?", agentId: agentId), HttpStatusCode.OK);
            var runId = body.GetProperty("run_id").GetGuid();
            var sent = Assert.Single(factory.Peers.Invocations, i => i.Request.RunId == runId).Request;
            Assert.Equal(body.GetProperty("session_id").GetGuid(), sent.ConversationId);

            var context = await new JsonWebTokenHandler().ValidateTokenAsync(sent.CallContext, new TokenValidationParameters
            {
                ValidIssuer = CallContext.Issuer,
                ValidAudience = CallContext.Audience,
                IssuerSigningKey = new SymmetricSecurityKey(CallContext.DeriveKey(Convert.FromBase64String(TestTokens.SigningKey))),
            });
            Assert.True(context.IsValid, context.Exception?.Message);
            var token = (JsonWebToken)context.SecurityToken;
            Assert.Equal((tenant.TenantId.ToString(), user.ToString()), (token.GetPayloadValue<string>("tid"), token.Subject));
            var expected = (await client.GetFromJsonAsync<JsonElement>($"/tenants/{tenant.TenantId}/users/{user}/permissions"))
                .GetProperty("permissions").EnumerateArray().Select(p => p.GetProperty("permission").GetString()!).ToList();
            Assert.Equal(expected, token.GetPayloadValue<List<string>>("perms"));
            Assert.True(token.ValidTo - token.IssuedAt <= CallContext.MaxLifetime);
        }
    }

    [Fact]
    public async Task The_default_assistant_answers_with_the_offline_model_and_maps_a_clear_request_to_its_tool()
    {
        var tenant = await TestDirectory.SignUpAsync(factory);

        using var response = await RuntimeFactory.ChatAsync(tenant.Owner, tenant.OwnerId, "What time is it in Europe/Paris?");

        var body = await RuntimeFactory.ReadAsync(response, HttpStatusCode.OK);
        Assert.True(body.GetProperty("using_stub").GetBoolean());
        Assert.Contains("offline model", body.GetProperty("response").GetString());
        var call = Assert.Single(body.GetProperty("tool_calls").EnumerateArray());
        Assert.Equal("current_time", call.GetProperty("name").GetString());
        Assert.Equal("Europe/Paris", call.GetProperty("arguments").GetProperty("timezone").GetString());

        // A plain message gets a plain answer that says where it comes from.
        using var plain = await RuntimeFactory.ChatAsync(tenant.Owner, tenant.OwnerId, "Tell me a story about dragons",
            body.GetProperty("session_id").GetGuid());
        var answer = await RuntimeFactory.ReadAsync(plain, HttpStatusCode.OK);
        Assert.Contains("offline model", answer.GetProperty("response").GetString());
        Assert.Empty(answer.GetProperty("tool_calls").EnumerateArray());

        var agents = await tenant.Owner.GetFromJsonAsync<JsonElement>("/agents");
        var assistant = agents.EnumerateArray().First();
        Assert.True(assistant.GetProperty("isDefault").GetBoolean());
        Assert.Equal("Assistant", assistant.GetProperty("name").GetString());
    }

    [Fact]
    public async Task The_conversation_endpoints_list_sessions_and_messages_in_order()
    {
        var tenant = await TestDirectory.SignUpAsync(factory);
        var agentId = await factory.CreateScriptedAgentAsync(tenant.Owner, new ScriptedChatClient((m, _) => ScriptedChatClient.Reply("echo: " + m[^1].Text)), []);
        var first = await RuntimeFactory.ReadAsync(await RuntimeFactory.ChatAsync(tenant.Owner, tenant.OwnerId, "one", agentId: agentId), HttpStatusCode.OK);
        var session = first.GetProperty("session_id").GetGuid();
        await RuntimeFactory.ReadAsync(await RuntimeFactory.ChatAsync(tenant.Owner, tenant.OwnerId, "two", session), HttpStatusCode.OK);

        var sessions = await tenant.Owner.GetFromJsonAsync<JsonElement>($"/agent/conversations/{tenant.TenantId}/users/{tenant.OwnerId}?limit=10");
        Assert.Contains(sessions.EnumerateArray(), s => s.GetProperty("id").GetGuid() == session);
        var messages = await tenant.Owner.GetFromJsonAsync<JsonElement>($"/agent/conversations/{tenant.TenantId}/sessions/{session}/messages?limit=20");
        Assert.Equal(["user:one", "assistant:echo: one", "user:two", "assistant:echo: two"],
            messages.EnumerateArray().Select(m => $"{m.GetProperty("role").GetString()}:{m.GetProperty("content").GetString()}"));
        var latest = await tenant.Owner.GetFromJsonAsync<JsonElement>($"/agent/conversations/{tenant.TenantId}/sessions/{session}/messages?limit=2");
        Assert.Equal(["user:two", "assistant:echo: two"],
            latest.EnumerateArray().Select(m => $"{m.GetProperty("role").GetString()}:{m.GetProperty("content").GetString()}"));

        // Message contents never reach logs or spans.
        Assert.DoesNotContain(factory.Logs, l => l.Contains("echo: one"));
        Assert.DoesNotContain(factory.SpanTexts, s => s.Contains("echo: one"));
    }

    [Fact]
    public async Task Agent_process_answers_seed_002s_shape()
    {
        var tenant = await TestDirectory.SignUpAsync(factory);
        var script = new ScriptedChatClient((m, _) => m[^1].Role == ChatRole.Tool ? ScriptedChatClient.Reply("It is noon.")
            : ScriptedChatClient.Call(92, ("current_time", new { })));
        var agentId = await factory.CreateScriptedAgentAsync(tenant.Owner, script, ["current_time"]);
        var request = new HttpRequestMessage(HttpMethod.Post, "/agent/process")
        {
            Content = JsonContent.Create(new { message = "time?", agentId, context = new { businessContext = new { shop = "Bakery" } } }),
        };
        request.Headers.Add("x-tenant-id", tenant.TenantId.ToString());
        request.Headers.Add("x-user-id", tenant.OwnerId.ToString());

        var body = await RuntimeFactory.ReadAsync(await tenant.Owner.SendAsync(request), HttpStatusCode.OK);

        Assert.Equal("It is noon.", body.GetProperty("response").GetString());
        Assert.Equal("automatic", body.GetProperty("decisionLevel").GetString());
        Assert.Equal(92, body.GetProperty("confidence").GetDouble());
        var action = Assert.Single(body.GetProperty("actions").EnumerateArray());
        Assert.Equal(("current_time", "succeeded"), (action.GetProperty("type").GetString(), action.GetProperty("status").GetString()));
        Assert.Contains(script.Calls.First(), m => m.Role == ChatRole.System && m.Text.Contains("Bakery"));

        // The headers must match the token.
        var other = new HttpRequestMessage(HttpMethod.Post, "/agent/process") { Content = JsonContent.Create(new { message = "hi" }) };
        other.Headers.Add("x-tenant-id", tenant.TenantId.ToString());
        other.Headers.Add("x-user-id", Guid.NewGuid().ToString());
        Assert.Equal(HttpStatusCode.Forbidden, (await tenant.Owner.SendAsync(other)).StatusCode);
    }
}
