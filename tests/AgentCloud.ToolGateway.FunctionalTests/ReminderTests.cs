using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using AgentCloud.Contracts.Tools;
using Xunit;

namespace AgentCloud.ToolGateway.FunctionalTests;

/// <summary>Seed 001's reminder tools through the invoke pipeline, against a triggers stand-in (Peers/StandInTriggers).</summary>
[Collection(GatewayCollection.Name)]
public sealed class ReminderTests(ToolGatewayFactory factory)
{
    readonly Guid _conversation = Guid.NewGuid();

    async Task<ToolInvocationResult> InvokeAsync(TestTenant tenant, string key, object arguments, Guid? conversation = null)
    {
        using var response = await tenant.Agents.PostAsJsonAsync($"/tools/{key}/invoke", new ToolInvocationRequest(
            TestTenant.NewCallId(), TestTenant.Json(arguments), tenant.TenantId, tenant.UserId, tenant.AgentId, tenant.RunId,
            ConversationId: conversation ?? _conversation));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<ToolInvocationResult>())!;
    }

    [Fact]
    public async Task A_reminder_is_created_for_the_calls_agent_user_and_conversation_listed_and_cancelled()
    {
        var tenant = new TestTenant(factory);
        var at = DateTimeOffset.UtcNow.AddHours(3);

        var created = TestTenant.Output(await InvokeAsync(tenant, "create_reminder", new { text = "Send the weekly report", at = at.ToString("O") }));
        var soon = TestTenant.Output(await InvokeAsync(tenant, "create_reminder", new { text = "Stand up", in_minutes = 10 }));
        var listed = TestTenant.Output(await InvokeAsync(tenant, "list_reminders", new { }));
        var cancelled = TestTenant.Output(await InvokeAsync(tenant, "cancel_reminder", new { id = (string)created["id"]! }));
        var after = TestTenant.Output(await InvokeAsync(tenant, "list_reminders", new { }));

        var stored = factory.Triggers.Triggers[Guid.Parse((string)soon["id"]!)];
        Assert.Equal((tenant.TenantId, tenant.AgentId, tenant.UserId, _conversation, "timer"),
            (stored.TenantId, stored.AgentId, stored.UserId, stored.ConversationId, stored.System));
        Assert.Equal("Stand up", stored.Options.GetProperty("reminder").GetString());
        Assert.Equal(["Stand up", "Send the weekly report"], listed["reminders"]!.AsArray().Select(r => (string?)r!["text"]));
        Assert.Equal((string)created["id"]!, (string?)cancelled["cancelled"]);
        Assert.Equal(["Stand up"], after["reminders"]!.AsArray().Select(r => (string?)r!["text"]));
    }

    [Fact]
    public async Task Another_users_reminder_cannot_be_cancelled_and_a_past_time_is_refused_readably()
    {
        var tenant = new TestTenant(factory);
        var other = new TestTenant(factory);
        var theirs = TestTenant.Output(await InvokeAsync(other, "create_reminder", new { text = "Theirs", in_minutes = 5 }));

        var cancel = await InvokeAsync(tenant, "cancel_reminder", new { id = (string)theirs["id"]! });
        var past = await InvokeAsync(tenant, "create_reminder", new { text = "Too late", at = DateTimeOffset.UtcNow.AddDays(-1).ToString("O") });
        var neither = await InvokeAsync(tenant, "create_reminder", new { text = "When?" });

        Assert.Equal(("failed", "not_found"), (cancel.Status, cancel.Error!.Code));
        Assert.Equal(("failed", "invalid_arguments"), (past.Status, past.Error!.Code));
        Assert.Contains("past", past.Error.Message);
        Assert.Equal("invalid_arguments", neither.Error!.Code);
        Assert.True(factory.Triggers.Triggers.ContainsKey(Guid.Parse((string)theirs["id"]!)));
    }

    [Fact]
    public async Task Without_a_conversation_there_is_no_reminder()
    {
        var tenant = new TestTenant(factory);

        using var response = await tenant.Agents.PostAsJsonAsync("/tools/create_reminder/invoke", new ToolInvocationRequest(
            TestTenant.NewCallId(), TestTenant.Json(new { text = "x", in_minutes = 5 }), tenant.TenantId, tenant.UserId, tenant.AgentId));
        var result = (await response.Content.ReadFromJsonAsync<ToolInvocationResult>())!;

        Assert.Equal(("failed", "conversation_required"), (result.Status, result.Error!.Code));
        Assert.DoesNotContain(factory.Triggers.Triggers.Values, t => t.TenantId == tenant.TenantId);
    }

    [Fact]
    public async Task The_reminder_tools_are_in_the_catalog()
    {
        var tenant = new TestTenant(factory);

        var tools = await tenant.User.GetFromJsonAsync<JsonArray>("/tools");

        var keys = tools!.Select(t => (string?)t!["key"]).ToList();
        Assert.Contains("create_reminder", keys);
        Assert.Contains("list_reminders", keys);
        Assert.Contains("cancel_reminder", keys);
    }
}
