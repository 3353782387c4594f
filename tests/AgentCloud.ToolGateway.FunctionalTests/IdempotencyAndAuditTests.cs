using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AgentCloud.Contracts.Billing;
using AgentCloud.Contracts.Tools;
using AgentCloud.Testing;
using Npgsql;
using Xunit;

namespace AgentCloud.ToolGateway.FunctionalTests;

[Collection(GatewayCollection.Name)]
public sealed class IdempotencyAndAuditTests(ToolGatewayFactory factory)
{
    [Fact]
    public async Task The_same_tool_call_id_returns_the_first_outcome_without_running_again()
    {
        var tenant = new TestTenant(factory).Grant("todos:write", "todos:read");
        var callId = TestTenant.NewCallId();
        var first = await tenant.InvokeAsync("add_todo", new { title = "Once" }, callId);
        var again = await tenant.InvokeAsync("add_todo", new { title = "Once" }, callId);

        Assert.False(first.Replayed);
        Assert.True(again.Replayed);
        Assert.Equal(first.InvocationId, again.InvocationId);
        // Equal as JSON (jsonb keeps its own key order).
        Assert.True(System.Text.Json.Nodes.JsonNode.DeepEquals(
            System.Text.Json.Nodes.JsonNode.Parse(first.Output!.Value.GetRawText()), System.Text.Json.Nodes.JsonNode.Parse(again.Output!.Value.GetRawText())));
        Assert.Single(TestTenant.Output(await tenant.InvokeAsync("list_todos", new { }))["todos"]!.AsArray());

        var reused = await tenant.InvokeAsync("add_todo", new { title = "Twice?" }, callId);
        Assert.Equal("tool_call_id_reused", reused.Error!.Code);
        Assert.Single(TestTenant.Output(await tenant.InvokeAsync("list_todos", new { }))["todos"]!.AsArray());
    }

    [Fact]
    public async Task Concurrent_calls_with_one_id_run_once()
    {
        var tenant = new TestTenant(factory).Grant("todos:write", "todos:read");
        var callId = TestTenant.NewCallId();
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => tenant.InvokeAsync("add_todo", new { title = "Race" }, callId)));

        Assert.Single(results, r => !r.Replayed);
        Assert.All(results.Where(r => r.Replayed), r => Assert.True(r.Status is "succeeded" or "in_progress", r.Status));
        Assert.Single(TestTenant.Output(await tenant.InvokeAsync("list_todos", new { }))["todos"]!.AsArray());
    }

    [Fact]
    public async Task A_call_that_crashed_mid_way_is_not_run_again()
    {
        var tenant = new TestTenant(factory).Grant("todos:write", "todos:read").Tokens(10);
        var arguments = new { title = "Crashed" };
        var hash = ApprovalGrant.HashArguments(TestTenant.Json(arguments));
        // A gateway died after claiming these calls: one long ago (lease over), one just now (still within its lease). The
        // stale one had its hold placed (the gateway saves no hold id before the outcome: recovery finds it by its key).
        var hold = await HoldAsync(tenant, "stale-call");
        await InsertStartedAsync(tenant, "stale-call", hash, DateTimeOffset.UtcNow.AddMinutes(-10));
        await InsertStartedAsync(tenant, "fresh-call", hash, DateTimeOffset.UtcNow);

        var stale = await tenant.InvokeAsync("add_todo", arguments, "stale-call");
        Assert.Equal("unknown", stale.Status);
        Assert.Equal("outcome_unknown", stale.Error!.Code);
        Assert.Equal("released", factory.Peers.Billing.Holds[hold].State);
        Assert.Equal(10, factory.Peers.Billing.Available(tenant.TenantId));
        var staleAgain = await tenant.InvokeAsync("add_todo", arguments, "stale-call");
        Assert.Equal("unknown", staleAgain.Status);
        Assert.True(staleAgain.Replayed);

        var fresh = await tenant.InvokeAsync("add_todo", arguments, "fresh-call");
        Assert.Equal("in_progress", fresh.Status);

        Assert.Empty(TestTenant.Output(await tenant.InvokeAsync("list_todos", new { }))["todos"]!.AsArray());
    }

    [Fact]
    public async Task A_call_that_crashed_after_billing_committed_is_recorded_with_what_it_was_charged()
    {
        var tenant = new TestTenant(factory).Grant("todos:write").Tokens(10);
        var arguments = new { title = "Charged" };
        var hold = await HoldAsync(tenant, "charged-call");
        Assert.Equal(HttpStatusCode.OK, (await Billing().PostAsync($"/tokens/holds/{hold}/commit", JsonContent.Create(new { }))).StatusCode);
        await InsertStartedAsync(tenant, "charged-call", ApprovalGrant.HashArguments(TestTenant.Json(arguments)), DateTimeOffset.UtcNow.AddMinutes(-10));

        var recovered = await tenant.InvokeAsync("add_todo", arguments, "charged-call");

        Assert.Equal(("unknown", "outcome_unknown", 3L), (recovered.Status, recovered.Error!.Code, recovered.TokensCharged));
        Assert.Contains("charged 3 token(s)", recovered.Error.Message);
        var record = await tenant.Admin.GetFromJsonAsync<JsonElement>($"/tool-invocations/{recovered.InvocationId}");
        Assert.Equal(("unknown", 3L), (record.GetProperty("status").GetString(), record.GetProperty("tokensCharged").GetInt64()));
        Assert.Equal(("committed", 7L), (factory.Peers.Billing.Holds[hold].State, factory.Peers.Billing.Available(tenant.TenantId)));
        Assert.Equal(3, (await tenant.InvokeAsync("add_todo", arguments, "charged-call")).TokensCharged);
    }

    [Fact]
    public async Task Concurrent_calls_of_a_read_only_tool_with_one_id_are_recorded_once()
    {
        var tenant = new TestTenant(factory);
        var callId = TestTenant.NewCallId();
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => tenant.InvokeAsync("current_time", new { timezone = "UTC" }, callId)));

        var first = Assert.Single(results, r => !r.Replayed);
        Assert.All(results, r => Assert.Equal((first.InvocationId, "succeeded"), (r.InvocationId, r.Status)));
        Assert.All(results, r => Assert.True(System.Text.Json.Nodes.JsonNode.DeepEquals(
            System.Text.Json.Nodes.JsonNode.Parse(first.Output!.Value.GetRawText()), System.Text.Json.Nodes.JsonNode.Parse(r.Output!.Value.GetRawText()))));
        Assert.Single((await tenant.Admin.GetFromJsonAsync<JsonElement>("/tool-invocations")).EnumerateArray());
        Assert.Equal(1, await OutboxEventsAsync(first.InvocationId));
        var reused = await tenant.InvokeAsync("current_time", new { timezone = "Europe/Paris" }, callId);
        Assert.Equal("tool_call_id_reused", reused.Error!.Code);
    }

    HttpClient Billing() =>
        new HttpClient { BaseAddress = new Uri(factory.Peers.BaseUrl) }.WithToken(TestTokens.Service("tool-gateway"));

    /// <summary>A hold taken as the crashed gateway would have taken it: with the call's idempotency key.</summary>
    async Task<Guid> HoldAsync(TestTenant tenant, string callId)
    {
        using var http = Billing();
        using var response = await http.PostAsJsonAsync("/tokens/holds",
            new PlaceHoldRequest(tenant.TenantId, "sms", $"tool-call:{tenant.TenantId}:{callId}", Quantity: 3, Description: "x"));
        return (await response.Content.ReadFromJsonAsync<HoldResponse>())!.HoldId;
    }

    async Task<long> OutboxEventsAsync(Guid invocationId)
    {
        await using var connection = new NpgsqlConnection(factory.DatabaseConnectionString);
        await connection.OpenAsync();
        await using var query = new NpgsqlCommand("SELECT count(*) FROM event_bus_outbox WHERE data::text LIKE @id", connection);
        query.Parameters.AddWithValue("id", $"%{invocationId}%");
        return (long)(await query.ExecuteScalarAsync())!;
    }

    async Task InsertStartedAsync(TestTenant tenant, string callId, string hash, DateTimeOffset createdAt)
    {
        await using var connection = new NpgsqlConnection(factory.DatabaseConnectionString);
        await connection.OpenAsync();
        await using var insert = new NpgsqlCommand("""
            INSERT INTO tool_invocations (id, tenant_id, tool_key, tool_call_id, status, created_at, user_id, arguments_hash)
            VALUES (@id, @tenant, 'add_todo', @call, 'started', @created, @user, @hash)
            """, connection);
        insert.Parameters.AddWithValue("id", Guid.NewGuid());
        insert.Parameters.AddWithValue("tenant", tenant.TenantId);
        insert.Parameters.AddWithValue("call", callId);
        insert.Parameters.AddWithValue("created", createdAt);
        insert.Parameters.AddWithValue("user", tenant.UserId);
        insert.Parameters.AddWithValue("hash", hash);
        await insert.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task Every_outcome_is_audited_and_announced_through_the_outbox()
    {
        var tenant = new TestTenant(factory).Grant("todos:write");
        var done = await tenant.InvokeAsync("add_todo", new { title = "Audit me" });
        var refused = await tenant.InvokeAsync("add_todo", new { });

        var record = await tenant.Admin.GetFromJsonAsync<JsonElement>($"/tool-invocations/{done.InvocationId}");
        Assert.Equal("succeeded", record.GetProperty("status").GetString());
        Assert.Equal($"service:agents", record.GetProperty("caller").GetString());
        Assert.Equal(tenant.UserId, record.GetProperty("userId").GetGuid());
        Assert.Equal(tenant.AgentId, record.GetProperty("agentId").GetGuid());
        Assert.Equal(tenant.RunId, record.GetProperty("runId").GetGuid());
        Assert.Equal(ApprovalGrant.HashArguments(TestTenant.Json(new { title = "Audit me" })), record.GetProperty("argumentsHash").GetString());
        Assert.Matches("^[0-9a-f]{32}$", record.GetProperty("traceId").GetString());
        Assert.True(record.GetProperty("latencyMs").GetInt64() >= 0);
        Assert.Equal("invalid_arguments", (await tenant.Admin.GetFromJsonAsync<JsonElement>($"/tool-invocations/{refused.InvocationId}"))
            .GetProperty("errorCode").GetString());

        var list = await tenant.Admin.GetFromJsonAsync<JsonElement>("/tool-invocations");
        Assert.Equal(2, list.GetArrayLength());

        await using var connection = new NpgsqlConnection(factory.DatabaseConnectionString);
        await connection.OpenAsync();
        // The outbox row holds the event's parts (the relay wraps them in the CloudEvent envelope): its type, its data.
        await using var query = new NpgsqlCommand("SELECT topic, data::text, o::text FROM event_bus_outbox o WHERE data::text LIKE @id", connection);
        query.Parameters.AddWithValue("id", $"%{done.InvocationId}%");
        await using var row = await query.ExecuteReaderAsync();
        Assert.True(await row.ReadAsync());
        Assert.Equal("agentcloud.tools.tool-invoked", row.GetString(0));
        Assert.Equal("succeeded", JsonDocument.Parse(row.GetString(1)).RootElement.GetProperty("outcome").GetString());
        Assert.DoesNotContain("Audit me", row.GetString(2));
    }

    [Fact]
    public async Task Audit_records_are_tenant_isolated()
    {
        var tenant = new TestTenant(factory);
        var other = new TestTenant(factory);
        var done = await tenant.InvokeAsync("current_time", new { });
        await TenantIsolation.AssertTenantIsolatedAsync(tenant.Admin, other.Admin, $"/tool-invocations/{done.InvocationId}",
            canDelete: false, listUrl: "/tool-invocations");

        // The same tool call id in another tenant is another call.
        var mine = await tenant.InvokeAsync("current_time", new { }, "shared-id");
        var theirs = await other.InvokeAsync("current_time", new { }, "shared-id");
        Assert.NotEqual(mine.InvocationId, theirs.InvocationId);
        Assert.False(theirs.Replayed);
    }

    [Fact]
    public async Task Each_step_is_a_span_of_the_invocation()
    {
        var tenant = new TestTenant(factory).Grant("todos:write");
        var result = await tenant.InvokeAsync("add_todo", new { title = "Traced" });

        var invoke = factory.Spans.Single(s => s.DisplayName == "tool.invoke" && Equals(s.GetTagItem("agentcloud.tool.call_id"), ToolCallIdOf(result)));
        var steps = factory.Spans.Where(s => s.ParentSpanId == invoke.SpanId && s.Source.Name == "AgentCloud.ToolGateway").Select(s => s.DisplayName).ToList();
        Assert.Equal(["tool.validate", "tool.permissions", "tool.connector", "tool.audit"], steps);
        Assert.Equal("succeeded", invoke.GetTagItem("agentcloud.tool.status"));
        Assert.NotNull(invoke.GetTagItem("agentcloud.tool.overhead_ms"));
    }

    static string ToolCallIdOf(ToolInvocationResult result) => result.ToolCallId;
}
