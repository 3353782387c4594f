using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using AgentCloud.Testing;
using Xunit;

namespace AgentCloud.Agents.FunctionalTests.Runtime;

public sealed class AgentDefinitionTests(RuntimeFactory factory) : IClassFixture<RuntimeFactory>
{
    [Fact]
    public async Task Deleting_an_agent_announces_it_so_its_triggers_go_too()
    {
        var tenant = await TestDirectory.SignUpAsync(factory);
        var agentId = await factory.CreateAgentAsync(tenant.Owner, new { name = "Short-lived" });

        using var deleted = await tenant.Owner.DeleteAsync($"/agents/{agentId}");

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        var announced = Assert.Single(await factory.OutboxEventsAsync("agentcloud.agents.agent-deleted", agentId)).GetProperty("data");
        Assert.Equal((agentId, tenant.OwnerId), (announced.GetProperty("agentId").GetGuid(), announced.GetProperty("deletedBy").GetGuid()));
        using var again = await tenant.Owner.DeleteAsync($"/agents/{agentId}");
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        Assert.Single(await factory.OutboxEventsAsync("agentcloud.agents.agent-deleted", agentId));
    }

    [Fact]
    public async Task Every_change_is_a_version_and_a_run_records_the_one_it_used()
    {
        var tenant = await TestDirectory.SignUpAsync(factory);
        var script = new ScriptedChatClient((_, _) => ScriptedChatClient.Reply("hi"));
        var model = new { provider = "scripted", model = RuntimeFactory.UseScript(script) };
        var id = await factory.CreateAgentAsync(tenant.Owner, new { name = "Helper", instructions = "Greet {{user.name}} of {{tenant.name}}.", model });

        using var update = await tenant.Owner.PutAsJsonAsync($"/agents/{id}", new { name = "Helper", instructions = "Be brief, {{user.name}}.", model });
        var updated = await RuntimeFactory.ReadAsync(update, HttpStatusCode.OK);
        Assert.Equal(2, updated.GetProperty("version").GetInt32());
        var versions = await tenant.Owner.GetFromJsonAsync<JsonElement>($"/agents/{id}/versions");
        Assert.Equal([2, 1], versions.EnumerateArray().Select(v => v.GetProperty("version").GetInt32()));
        var first = await tenant.Owner.GetFromJsonAsync<JsonElement>($"/agents/{id}/versions/1");
        Assert.Equal("Greet {{user.name}} of {{tenant.name}}.", first.GetProperty("instructions").GetString());

        var chat = await RuntimeFactory.ReadAsync(await RuntimeFactory.ChatAsync(tenant.Owner, tenant.OwnerId, "hello", agentId: id), HttpStatusCode.OK);
        var run = await tenant.Owner.GetFromJsonAsync<JsonElement>($"/runs/{chat.GetProperty("run_id").GetGuid()}");
        Assert.Equal(2, run.GetProperty("agentVersion").GetInt32());
        Assert.Equal("Be brief, Owner.", script.Calls.Last()[0].Text.Split("\n\n")[0]); // rendered with the user's name
    }

    [Theory]
    [InlineData("Hello {{user.nickname}}", "Unknown placeholder")]
    [InlineData("Hello {{user.name}", "Unbalanced")]
    [InlineData("Hello {{ }}", "Unknown placeholder")]
    public async Task A_template_error_is_refused_when_the_agent_is_saved(string instructions, string problem)
    {
        var tenant = await TestDirectory.SignUpAsync(factory);

        using var response = await tenant.Owner.PostAsJsonAsync("/agents", new { name = "Bad", instructions });

        var body = await RuntimeFactory.ReadAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains(problem, body.GetProperty("errors").GetProperty("instructions")[0].GetString());
    }

    [Fact]
    public async Task A_sub_agent_cycle_is_refused_and_the_depth_is_limited()
    {
        var tenant = await TestDirectory.SignUpAsync(factory);
        var a = await factory.CreateAgentAsync(tenant.Owner, new { name = "A" });
        var b = await factory.CreateAgentAsync(tenant.Owner, new { name = "B", subAgents = new[] { new { agentId = a } } });

        using var cycle = await tenant.Owner.PutAsJsonAsync($"/agents/{a}", new { name = "A", subAgents = new[] { new { agentId = b } } });
        var body = await RuntimeFactory.ReadAsync(cycle, HttpStatusCode.BadRequest);
        Assert.Contains("cycle", body.GetProperty("errors").GetProperty("subAgents")[0].GetString());
        using var self = await tenant.Owner.PutAsJsonAsync($"/agents/{a}", new { name = "A", subAgents = new[] { new { agentId = a } } });
        Assert.Equal(HttpStatusCode.BadRequest, self.StatusCode);

        var c = await factory.CreateAgentAsync(tenant.Owner, new { name = "C", subAgents = new[] { new { agentId = b } } });
        var d = await factory.CreateAgentAsync(tenant.Owner, new { name = "D", subAgents = new[] { new { agentId = c } } }); // D→C→B→A: 3 deep
        using var tooDeep = await tenant.Owner.PostAsJsonAsync("/agents", new { name = "E", subAgents = new[] { new { agentId = d } } });
        Assert.Contains("nest", (await RuntimeFactory.ReadAsync(tooDeep, HttpStatusCode.BadRequest)).GetProperty("errors").GetProperty("subAgents")[0].GetString());
    }

    public static TheoryData<string> BadBodies => new()
    {
        "",
        "not json",
        "[]",
        """{"name": 5}""",
        """{"name": ""}""",
        """{"name": "x", "scope": "world"}""",
        """{"name": "x", "model": {"provider": "nowhere"}}""",
        """{"name": "x", "model": {"temperature": 7}}""",
        """{"name": "x", "model": {"contextBudget": 10}}""",
        """{"name": "x", "model": {"timezone": "Mars/Olympus"}}""",
        """{"name": "x", "tools": [{"key": "Bad Key"}]}""",
        """{"name": "x", "tools": [{"key": "a"}, {"key": "a"}]}""",
        """{"name": "x", "tools": [null]}""",
        """{"name": "x", "decisionPolicy": {"minimumLevel": "sometimes"}}""",
        """{"name": "x", "doubleTexting": "shout"}""",
        """{"name": "x", "subAgents": [{"agentId": "00000000-0000-0000-0000-000000000001"}]}""",
        """{"name": "x", "teamId": "00000000-0000-0000-0000-000000000001", "scope": "team"}""",
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task Every_bad_agent_body_is_a_400_and_saves_nothing(string json)
    {
        var tenant = await TestDirectory.SignUpAsync(factory);
        var before = (await tenant.Owner.GetFromJsonAsync<JsonElement>("/agents")).GetArrayLength();

        using var response = await tenant.Owner.PostAsync("/agents", new StringContent(json, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(before, (await tenant.Owner.GetFromJsonAsync<JsonElement>("/agents")).GetArrayLength());
    }

    [Fact]
    public async Task Agents_conversations_runs_and_facts_of_another_tenant_answer_404()
    {
        var a = await TestDirectory.SignUpAsync(factory);
        var b = await TestDirectory.SignUpAsync(factory);
        var agentId = await factory.CreateAgentAsync(a.Owner, new { name = "Private", scope = "team" });
        var chat = await RuntimeFactory.ReadAsync(await RuntimeFactory.ChatAsync(a.Owner, a.OwnerId, "remember that I like tea"), HttpStatusCode.OK);
        var runId = chat.GetProperty("run_id").GetGuid();
        var session = chat.GetProperty("session_id").GetGuid();

        await TenantIsolation.AssertTenantIsolatedAsync(a.Owner, b.Owner, $"/agents/{agentId}", update: new { name = "x" }, canDelete: true, listUrl: "/agents");
        await TenantIsolation.AssertTenantIsolatedAsync(a.Owner, b.Owner, $"/runs/{runId}", canDelete: false, listUrl: "/runs");
        Assert.Equal(HttpStatusCode.NotFound, (await b.Owner.GetAsync($"/agent/conversations/{a.TenantId}/sessions/{session}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await b.Owner.GetAsync($"/agent/conversations/{b.TenantId}/sessions/{session}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await b.Owner.GetAsync($"/agent/conversations/{b.TenantId}/sessions/{session}/messages")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await RuntimeFactory.ChatAsync(b.Owner, b.OwnerId, "hi", session)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await RuntimeFactory.ChatAsync(b.Owner, b.OwnerId, "hi", agentId: agentId)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await b.Owner.PostAsync($"/runs/{runId}/cancel", null)).StatusCode);

        // The fact the offline Assistant remembered is A's alone.
        var facts = await a.Owner.GetFromJsonAsync<JsonElement>("/facts");
        var fact = Assert.Single(facts.EnumerateArray());
        Assert.Equal("I like tea", fact.GetProperty("fact").GetString());
        Assert.Empty((await b.Owner.GetFromJsonAsync<JsonElement>("/facts")).EnumerateArray());
        Assert.Equal(HttpStatusCode.NotFound, (await b.Owner.DeleteAsync($"/facts/{fact.GetProperty("id").GetGuid()}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await a.Owner.DeleteAsync($"/facts/{fact.GetProperty("id").GetGuid()}")).StatusCode);
    }

    [Fact]
    public async Task A_user_scoped_agent_is_visible_to_its_owner_only_and_other_services_look_agents_up_by_id()
    {
        var tenant = await TestDirectory.SignUpAsync(factory);
        var mine = await factory.CreateAgentAsync(tenant.Owner, new { name = "Mine" });
        var shared = await factory.CreateAgentAsync(tenant.Owner, new { name = "Shared", scope = "team", teamId = tenant.TeamId });
        var teammate = factory.CreateClient(TestTokens.User(tenant.TenantId, Guid.NewGuid(), ["member"], [tenant.TeamId]));
        var stranger = factory.CreateClient(TestTokens.User(tenant.TenantId, Guid.NewGuid(), ["member"], [Guid.NewGuid()]));

        Assert.Equal(HttpStatusCode.NotFound, (await teammate.GetAsync($"/agents/{mine}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await teammate.GetAsync($"/agents/{shared}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/agents/{shared}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await teammate.PutAsJsonAsync($"/agents/{shared}", new { name = "x", scope = "team" })).StatusCode);

        var triggers = factory.CreateClient(TestTokens.Service("triggers"));
        var summary = await triggers.GetFromJsonAsync<Contracts.Agents.AgentSummary>($"/agents/{mine}?tenantId={tenant.TenantId}");
        Assert.Equal((mine, tenant.TenantId, tenant.OwnerId, "user"), (summary!.Id, summary.TenantId, summary.OwnerUserId, summary.Scope));
        Assert.Equal(HttpStatusCode.NotFound, (await triggers.GetAsync($"/agents/{mine}?tenantId={Guid.NewGuid()}")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await triggers.GetAsync($"/agents/{mine}")).StatusCode);
    }

    [Theory]
    [InlineData("""{"message": ""}""", "message")]
    [InlineData("""{"message": "   "}""", "message")]
    [InlineData("""{}""", "message")]
    [InlineData("""{"message": "hi", "conversation_id": "nope"}""", "conversation_id")]
    [InlineData("""{"message": "hi", "agent_id": "123"}""", "agent_id")]
    public async Task Seed_004_validation_answers_400(string json, string field)
    {
        var tenant = await TestDirectory.SignUpAsync(factory);

        using var response = await tenant.Owner.PostAsync($"/api/{tenant.OwnerId}/chat", new StringContent(json, Encoding.UTF8, "application/json"));

        Assert.True((await RuntimeFactory.ReadAsync(response, HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty(field, out _));
    }

    [Fact]
    public async Task Seed_004_checks_length_ids_body_and_user()
    {
        var tenant = await TestDirectory.SignUpAsync(factory);
        Assert.Equal(HttpStatusCode.BadRequest, (await RuntimeFactory.ChatAsync(tenant.Owner, tenant.OwnerId, new string('x', 10_001))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await tenant.Owner.PostAsync("/api/not-a-uuid/chat", JsonContent.Create(new { message = "hi" }))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await tenant.Owner.PostAsync($"/api/{tenant.OwnerId}/chat",
            new StringContent("{not json", Encoding.UTF8, "application/json"))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await RuntimeFactory.ChatAsync(tenant.Owner, Guid.NewGuid(), "hi")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await RuntimeFactory.ChatAsync(tenant.Owner, tenant.OwnerId, new string('x', 10_000))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await RuntimeFactory.ChatAsync(tenant.Owner, tenant.OwnerId, "hi", Guid.NewGuid())).StatusCode);
    }
}
