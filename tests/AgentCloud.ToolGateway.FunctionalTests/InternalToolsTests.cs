using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using AgentCloud.Contracts.Tools;
using Xunit;

namespace AgentCloud.ToolGateway.FunctionalTests;

[Collection(GatewayCollection.Name)]
public sealed class InternalToolsTests(ToolGatewayFactory factory)
{
    [Fact]
    public async Task Time_tools_answer_now_and_do_date_arithmetic()
    {
        var tenant = new TestTenant(factory);
        var now = TestTenant.Output(await tenant.InvokeAsync("current_time", new { timezone = "Europe/Paris" }));
        Assert.Equal("Europe/Paris", (string?)now["timezone"]);
        Assert.InRange(DateTimeOffset.Parse((string)now["utc"]!), DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1));

        var later = TestTenant.Output(await tenant.InvokeAsync("date_add", new { date = "2024-01-31T10:00:00+01:00", amount = 1, unit = "months" }));
        Assert.Equal("2024-02-29T10:00:00.0000000+01:00", (string?)later["result"]);

        var unknownZone = await tenant.InvokeAsync("current_time", new { timezone = "Mars/Olympus" });
        Assert.Equal("failed", unknownZone.Status);
        Assert.Equal("unknown_timezone", unknownZone.Error!.Code);
    }

    [Fact]
    public async Task Schema_errors_come_back_as_a_readable_result_listing_each_problem()
    {
        var tenant = new TestTenant(factory);
        var result = await tenant.InvokeAsync("date_add", new { date = "tomorrow", amount = 1.5, unit = "fortnights", extra = true });

        Assert.Equal("failed", result.Status);
        Assert.Equal("invalid_arguments", result.Error!.Code);
        var problems = result.Error.Problems!.ToDictionary(p => p.Path, p => p.Message);
        Assert.Equal(["$.amount", "$.date", "$.extra", "$.unit"], problems.Keys.Order());
        Assert.Contains("date-time", problems["$.date"]);
        Assert.Contains("integer", problems["$.amount"]);
    }

    [Fact]
    public async Task Malformed_requests_are_4xx_not_tool_results()
    {
        var tenant = new TestTenant(factory);
        using var noId = await tenant.Agents.PostAsJsonAsync("/tools/current_time/invoke", new { tenantId = tenant.TenantId, arguments = new { } });
        Assert.Equal(HttpStatusCode.BadRequest, noId.StatusCode);
        using var notObject = await tenant.Agents.PostAsJsonAsync("/tools/current_time/invoke",
            new { tenantId = tenant.TenantId, toolCallId = "c1", arguments = new[] { 1 } });
        Assert.Equal(HttpStatusCode.BadRequest, notObject.StatusCode);
        using var noTenant = await tenant.Agents.PostAsJsonAsync("/tools/current_time/invoke", new { toolCallId = "c1", arguments = new { } });
        Assert.Equal(HttpStatusCode.BadRequest, noTenant.StatusCode);
        using var badJson = await tenant.Agents.PostAsync("/tools/current_time/invoke", new StringContent("{", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, badJson.StatusCode);
        using var unknown = await tenant.InvokeRawAsync("no_such_tool", new { }, "c2");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task A_disabled_tool_is_refused_as_a_result()
    {
        var tenant = new TestTenant(factory);
        await tenant.ConfigureAsync("current_time", enabled: false);
        var result = await tenant.InvokeAsync("current_time", new { });
        Assert.Equal("tool_disabled", result.Error!.Code);
    }

    [Fact]
    public async Task A_user_invokes_as_themselves_only()
    {
        var tenant = new TestTenant(factory);
        using var ok = await tenant.User.PostAsJsonAsync("/tools/current_time/invoke", new { toolCallId = "u1", arguments = new { } });
        Assert.Equal("succeeded", (await ok.Content.ReadFromJsonAsync<ToolInvocationResult>())!.Status);
        using var otherTenant = await tenant.User.PostAsJsonAsync("/tools/current_time/invoke",
            new { tenantId = Guid.NewGuid(), toolCallId = "u2", arguments = new { } });
        Assert.Equal(HttpStatusCode.NotFound, otherTenant.StatusCode);
        using var otherUser = await tenant.User.PostAsJsonAsync("/tools/current_time/invoke",
            new { userId = Guid.NewGuid(), toolCallId = "u3", arguments = new { } });
        Assert.Equal(HttpStatusCode.Forbidden, otherUser.StatusCode);
    }

    [Fact]
    public async Task Todos_are_listed_added_updated_and_deleted_per_user()
    {
        var tenant = new TestTenant(factory).Grant("todos:read", "todos:write");
        var added = TestTenant.Output(await tenant.InvokeAsync("add_todo", new { title = "Buy groceries", dueAt = "2030-01-01T09:00:00Z" }));
        var second = TestTenant.Output(await tenant.InvokeAsync("add_todo", new { title = "Call mum" }));
        var id = (string)added["id"]!;

        var updated = TestTenant.Output(await tenant.InvokeAsync("update_todo", new { id, completed = true, title = "Buy groceries today" }));
        Assert.True((bool)updated["completed"]!);
        Assert.Equal("Buy groceries today", (string?)updated["title"]);

        var open = TestTenant.Output(await tenant.InvokeAsync("list_todos", new { completed = false }));
        Assert.Equal((string?)second["id"], (string?)Assert.Single(open["todos"]!.AsArray())!["id"]);
        var all = TestTenant.Output(await tenant.InvokeAsync("list_todos", new { limit = 1 }));
        Assert.Equal(2, (int)all["pagination"]!["total"]!);
        Assert.True((bool)all["pagination"]!["has_more"]!);

        // Another user of the same tenant, and another tenant, see none of it and cannot touch it.
        var colleague = new TestTenant(factory).Grant("todos:read", "todos:write");
        var theirs = TestTenant.Output(await colleague.InvokeAsync("list_todos", new { }));
        Assert.Empty(theirs["todos"]!.AsArray());
        var foreignDelete = await colleague.InvokeAsync("delete_todo", new { id });
        Assert.Equal("not_found", foreignDelete.Error!.Code);

        TestTenant.Output(await tenant.InvokeAsync("delete_todo", new { id }));
        var left = TestTenant.Output(await tenant.InvokeAsync("list_todos", new { }));
        Assert.Single(left["todos"]!.AsArray());
    }

    [Fact]
    public async Task Json_documents_are_stored_per_tenant()
    {
        var tenant = new TestTenant(factory).Grant("documents:read", "documents:write");
        TestTenant.Output(await tenant.InvokeAsync("json_put", new { name = "crm/contacts", content = new { ann = new[] { 1, 2 } } }));
        TestTenant.Output(await tenant.InvokeAsync("json_put", new { name = "crm/contacts", content = new { ann = new[] { 3 } } }));
        TestTenant.Output(await tenant.InvokeAsync("json_put", new { name = "notes", content = "hello" }));

        var read = TestTenant.Output(await tenant.InvokeAsync("json_get", new { name = "crm/contacts" }));
        Assert.Equal(3, (int)read["content"]!["ann"]![0]!);
        var listed = TestTenant.Output(await tenant.InvokeAsync("json_list", new { prefix = "crm/" }));
        Assert.Equal(["crm/contacts"], listed["names"]!.AsArray().Select(n => (string)n!));

        var other = new TestTenant(factory).Grant("documents:read", "documents:write");
        Assert.Equal("not_found", (await other.InvokeAsync("json_get", new { name = "crm/contacts" })).Error!.Code);
        Assert.Empty(TestTenant.Output(await other.InvokeAsync("json_list", new { }))["names"]!.AsArray());
        var badName = await tenant.InvokeAsync("json_get", new { name = "bad name" });
        Assert.Equal("invalid_arguments", badName.Error!.Code);
    }

    [Fact]
    public async Task A_user_without_the_permission_is_refused_and_nothing_happens()
    {
        var tenant = new TestTenant(factory).Grant("todos:read");
        var result = await tenant.InvokeAsync("add_todo", new { title = "Sneaky" });

        Assert.Equal("failed", result.Status);
        Assert.Equal("permission_denied", result.Error!.Code);
        Assert.Contains("todos:write", result.Error.Message);
        var list = TestTenant.Output(await tenant.InvokeAsync("list_todos", new { }));
        Assert.Empty(list["todos"]!.AsArray());

        var unknownUser = new TestTenant(factory); // the agents service does not know this user
        Assert.Equal("permission_denied", (await unknownUser.InvokeAsync("list_todos", new { })).Error!.Code);
    }

    [Fact]
    public async Task The_permissions_lookup_names_tenant_and_location()
    {
        var tenant = new TestTenant(factory).Grant("todos:read");
        var location = Guid.NewGuid();
        using var response = await tenant.Agents.PostAsJsonAsync("/tools/list_todos/invoke", new
        {
            tenantId = tenant.TenantId, userId = tenant.UserId, locationId = location, toolCallId = TestTenant.NewCallId(), arguments = new { },
        });
        Assert.Equal("succeeded", (await response.Content.ReadFromJsonAsync<ToolInvocationResult>())!.Status);
        Assert.Contains(factory.Peers.PermissionLookups, q => q == $"/tenants/{tenant.TenantId}/users/{tenant.UserId}/permissions?locationId={location}");
    }
}
