using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AgentCloud.Testing;
using Microsoft.Extensions.AI;
using Xunit;

namespace AgentCloud.Agents.FunctionalTests.Runtime;

public sealed class ApprovalTests(RuntimeFactory factory) : IClassFixture<RuntimeFactory>
{
    static ScriptedChatClient EmailScript() => new((messages, _) => messages[^1].Role == ChatRole.Tool
        ? ScriptedChatClient.Reply("Result: " + messages[^1].Contents.OfType<FunctionResultContent>().Single().Result)
        : ScriptedChatClient.Call(88, ("send_email", new { to = "bob@example.com", subject = "Hi" })));

    async Task<(TestTenant Tenant, Guid RunId, JsonElement Accepted)> PausedRunAsync(ScriptedChatClient script)
    {
        var tenant = await TestDirectory.SignUpAsync(factory);
        var agentId = await factory.CreateScriptedAgentAsync(tenant.Owner, script, ["send_email"]);
        using var response = await RuntimeFactory.ChatAsync(tenant.Owner, tenant.OwnerId, "Email Bob", agentId: agentId);
        var accepted = await RuntimeFactory.ReadAsync(response, HttpStatusCode.Accepted);
        Assert.Equal("requires_approval", accepted.GetProperty("status").GetString());
        return (tenant, accepted.GetProperty("runId").GetGuid(), accepted);
    }

    [Fact]
    public async Task An_approval_required_action_pauses_the_run_and_approving_with_edits_executes_the_edited_call()
    {
        var (tenant, runId, _) = await PausedRunAsync(EmailScript());

        var run = await tenant.Owner.GetFromJsonAsync<JsonElement>($"/runs/{runId}");
        Assert.Equal("requires_approval", run.GetProperty("status").GetString());
        var step = run.GetProperty("steps").EnumerateArray().Single(s => s.GetProperty("kind").GetString() == "tool_call");
        Assert.Equal(("awaiting_approval", "approval_required"), (step.GetProperty("status").GetString(), step.GetProperty("decisionLevel").GetString()));
        Assert.DoesNotContain(factory.Peers.Invocations, i => i.Request.RunId == runId); // nothing sent before a person decides

        var requested = Assert.Single(await factory.OutboxEventsAsync("agentcloud.agents.approval-requested", runId)).GetProperty("data");
        Assert.Equal("send_email", requested.GetProperty("actions")[0].GetProperty("toolKey").GetString());
        Assert.DoesNotContain("bob@example.com", requested.GetRawText()); // events carry no arguments

        var inbox = await tenant.Owner.GetFromJsonAsync<JsonElement>("/approvals");
        var approval = Assert.Single(inbox.EnumerateArray(), a => a.GetProperty("runId").GetGuid() == runId);
        Assert.Equal("send_email", approval.GetProperty("toolKey").GetString());
        Assert.Equal(88, approval.GetProperty("confidence").GetDouble());
        Assert.Equal("bob@example.com", approval.GetProperty("arguments").GetProperty("to").GetString());

        var stepId = step.GetProperty("id").GetGuid();
        using var approve = await tenant.Owner.PostAsJsonAsync($"/runs/{runId}/approve",
            new { actions = new[] { new { stepId, arguments = new { to = "alice@example.com", subject = "Hi" } } } });
        Assert.True(approve.StatusCode == HttpStatusCode.NoContent, await approve.Content.ReadAsStringAsync() + factory.RecentErrors());

        var done = await RuntimeFactory.WaitForRunAsync(tenant.Owner, runId, "completed", "failed");
        Assert.Equal("completed", done.GetProperty("status").GetString());
        var sent = Assert.Single(factory.Peers.Invocations, i => i.Request.RunId == runId).Request;
        Assert.Equal("alice@example.com", sent.Arguments.GetProperty("to").GetString());
        Assert.NotNull(sent.ApprovalGrant); // the gateway stand-in verified it, or the call would have failed
        Assert.Equal(1, factory.Peers.Executions[stepId.ToString()]);
        var decided = await tenant.Owner.GetFromJsonAsync<JsonElement>($"/approvals/{approval.GetProperty("id").GetGuid()}");
        Assert.Equal(("approved", tenant.OwnerId), (decided.GetProperty("status").GetString(), decided.GetProperty("decidedBy").GetGuid()));
        Assert.NotEqual(JsonValueKind.Null, decided.GetProperty("decidedAt").ValueKind);

        // Deciding again is refused.
        using var again = await tenant.Owner.PostAsJsonAsync($"/approvals/{approval.GetProperty("id").GetGuid()}/reject", new { reason = "late" });
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
    }

    [Fact]
    public async Task A_rejection_is_reported_to_the_model_which_continues()
    {
        var script = EmailScript();
        var (tenant, runId, _) = await PausedRunAsync(script);

        using var reject = await tenant.Owner.PostAsJsonAsync($"/runs/{runId}/reject", new { reason = "not now" });
        Assert.Equal(HttpStatusCode.NoContent, reject.StatusCode);

        var done = await RuntimeFactory.WaitForRunAsync(tenant.Owner, runId, "completed", "failed");
        Assert.Equal("completed", done.GetProperty("status").GetString());
        Assert.DoesNotContain(factory.Peers.Invocations, i => i.Request.RunId == runId);
        var told = script.Calls.Last()[^1].Contents.OfType<FunctionResultContent>().Single().Result!.ToString()!;
        Assert.Contains("rejected", told);
        Assert.Contains("not now", told);
    }

    [Fact]
    public async Task A_member_cannot_approve_an_approval_required_action_of_the_owners_agent()
    {
        var (tenant, runId, _) = await PausedRunAsync(EmailScript());
        var member = factory.CreateClient(TestTokens.User(tenant.TenantId, Guid.NewGuid(), ["member"], [tenant.TeamId]));

        using var approve = await member.PostAsJsonAsync($"/runs/{runId}/approve", new { });
        Assert.Equal(HttpStatusCode.NotFound, approve.StatusCode); // not their run, not theirs to decide
        Assert.Empty((await member.GetFromJsonAsync<JsonElement>("/approvals")).EnumerateArray());

        var other = factory.CreateClient(TestTokens.Admin(Guid.NewGuid()));
        Assert.Equal(HttpStatusCode.NotFound, (await other.PostAsJsonAsync($"/runs/{runId}/approve", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/runs/{runId}")).StatusCode);
    }

    [Fact]
    public async Task Low_confidence_raises_an_automatic_tool_to_consultation()
    {
        var tenant = await TestDirectory.SignUpAsync(factory);
        var script = new ScriptedChatClient((m, _) => m[^1].Role == ChatRole.Tool ? ScriptedChatClient.Reply("ok")
            : ScriptedChatClient.Call(30, ("current_time", new { })));
        var agentId = await factory.CreateScriptedAgentAsync(tenant.Owner, script, ["current_time"]);

        var accepted = await RuntimeFactory.ReadAsync(await RuntimeFactory.ChatAsync(tenant.Owner, tenant.OwnerId, "time?", agentId: agentId),
            HttpStatusCode.Accepted);

        var run = await tenant.Owner.GetFromJsonAsync<JsonElement>($"/runs/{accepted.GetProperty("runId").GetGuid()}");
        var step = run.GetProperty("steps").EnumerateArray().Single(s => s.GetProperty("kind").GetString() == "tool_call");
        Assert.Equal("consultation", step.GetProperty("decisionLevel").GetString());
        Assert.Contains("confidence", step.GetProperty("data").GetProperty("reasons")[0].GetString());
    }
}

/// <summary>Approvals that nobody decides expire (here after 1 s) and count as a rejection.</summary>
public sealed class ApprovalExpiryFactory : RuntimeFactory
{
    public ApprovalExpiryFactory() => WithSetting("Approvals:Expiry", "00:00:01");
}

public sealed class ApprovalExpiryTests(ApprovalExpiryFactory factory) : IClassFixture<ApprovalExpiryFactory>
{
    [Fact]
    public async Task An_expired_approval_counts_as_a_rejection_and_the_run_goes_on()
    {
        var tenant = await TestDirectory.SignUpAsync(factory);
        var script = new ScriptedChatClient((messages, _) => messages[^1].Role == ChatRole.Tool
            ? ScriptedChatClient.Reply("Told: " + messages[^1].Contents.OfType<FunctionResultContent>().Single().Result)
            : ScriptedChatClient.Call(90, ("send_email", new { to = "bob@example.com" })));
        var agentId = await factory.CreateScriptedAgentAsync(tenant.Owner, script, ["send_email"]);
        var accepted = await RuntimeFactory.ReadAsync(await RuntimeFactory.ChatAsync(tenant.Owner, tenant.OwnerId, "Email Bob", agentId: agentId),
            HttpStatusCode.Accepted);
        var runId = accepted.GetProperty("runId").GetGuid();

        var done = await RuntimeFactory.WaitForRunAsync(tenant.Owner, runId, "completed", "failed");

        Assert.Equal("completed", done.GetProperty("status").GetString());
        var step = done.GetProperty("steps").EnumerateArray().Single(s => s.GetProperty("kind").GetString() == "tool_call");
        Assert.Equal("rejected", step.GetProperty("status").GetString());
        Assert.True(step.GetProperty("data").GetProperty("expired").GetBoolean());
        Assert.Contains("in time", script.Calls.Last()[^1].Contents.OfType<FunctionResultContent>().Single().Result!.ToString());
        Assert.DoesNotContain(factory.Peers.Invocations, i => i.Request.RunId == runId);
    }
}
