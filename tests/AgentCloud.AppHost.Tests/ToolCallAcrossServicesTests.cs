using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using AgentCloud.Contracts.Tools;
using AgentCloud.Testing;
using Aspire.Hosting.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Xunit;

namespace AgentCloud.AppHost.Tests;

/// <summary>
/// One tool call through the real services, as a new tenant's owner: agents signs in and resolves permissions, the gateway
/// validates, holds tokens at billing, reads the credential from the vault, calls the target, commits, and a retry of
/// the same tool call id changes nothing. The dashboard shows the call as one trace across the four services.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class ToolCallAcrossServicesTests(SystemFixture system) : IAsyncLifetime
{
    const string Secret = "s3cret-target-token";
    readonly ConcurrentQueue<string?> _targetCalls = new();
    WebApplication _target = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _target = builder.Build();
        _target.MapGet("/orders", (HttpRequest request) =>
        {
            _targetCalls.Enqueue(request.Headers.Authorization);
            return Results.Json(new { orders = 3 });
        });
        await _target.StartAsync();
    }

    public async Task DisposeAsync() => await _target.DisposeAsync();

    [Fact]
    public async Task A_paid_tool_call_with_a_stored_credential_runs_once_and_is_charged_once()
    {
        var tenant = await NewTenantAsync();
        await Ok(tenant.Billing.PostAsJsonAsync($"/tokens/add/{tenant.Id}", new { amount = 10, idempotencyKey = Guid.NewGuid().ToString() }));
        var credentialId = await tenant.StoreTargetTokenAsync();

        var call = tenant.HttpCall(credentialId, $"{_target.Urls.First()}/orders");
        var first = await tenant.InvokeAsync("http_request", call);
        var retry = await tenant.InvokeAsync("http_request", call);

        Assert.True(first.Status == "succeeded", JsonSerializer.Serialize(first));
        Assert.Contains("orders", first.Output!.Value.GetRawText());
        Assert.Equal(1, first.TokensCharged);
        Assert.DoesNotContain(Secret, JsonSerializer.Serialize(first));
        Assert.Equal(["Bearer " + Secret], _targetCalls);

        Assert.True(retry.Replayed);
        Assert.Equal(first.InvocationId, retry.InvocationId);
        Assert.Equal(9, await BalanceAsync(tenant.Billing, tenant.Id));

        var audit = await tenant.Credentials.GetStringAsync($"/tenant/{tenant.Id}/credentials/{credentialId}/audit");
        Assert.Contains("tool-gateway", audit);
        Assert.Contains("http_request", audit);
        Assert.DoesNotContain(Secret, audit);
    }

    [Fact]
    public async Task Without_tokens_the_call_is_refused_and_nothing_is_sent()
    {
        var tenant = await NewTenantAsync();
        var credentialId = await tenant.StoreTargetTokenAsync();

        var result = await tenant.InvokeAsync("http_request", tenant.HttpCall(credentialId, $"{_target.Urls.First()}/orders"));

        Assert.Equal("failed", result.Status);
        Assert.Equal("insufficient_tokens", result.Error!.Code);
        Assert.Equal(0, result.TokensCharged);
        Assert.Empty(_targetCalls);
        Assert.Equal(0, await BalanceAsync(tenant.Billing, tenant.Id));
    }

    [Fact]
    public async Task A_tool_call_is_one_trace_across_four_services_with_postgres_and_redis_spans()
    {
        var tenant = await NewTenantAsync();
        await Ok(tenant.Billing.PostAsJsonAsync($"/tokens/add/{tenant.Id}", new { amount = 10, idempotencyKey = Guid.NewGuid().ToString() }));
        var credentialId = await tenant.StoreTargetTokenAsync();

        ActivityTraceId traceId;
        using (var call = new Activity("test: tool call").SetIdFormat(ActivityIdFormat.W3C).Start()) // sent as traceparent
        {
            traceId = call.TraceId;
            var result = await tenant.InvokeAsync("http_request", tenant.HttpCall(credentialId, $"{_target.Urls.First()}/orders"));
            Assert.True(result.Status == "succeeded", JsonSerializer.Serialize(result));
        }

        string[] services = ["agents", "billing", "credentials", "tool-gateway"];
        var trace = await DashboardTrace.WaitAsync(system.Dashboard, traceId,
            t => t.Services.IsSupersetOf(services) && t.HasDatabaseSpan("postgresql") && t.HasDatabaseSpan("redis"),
            TimeSpan.FromSeconds(30));

        Assert.True(trace.Services.IsSupersetOf(services), $"services in the trace: {string.Join(", ", trace.Services)}\n{trace}");
        Assert.True(trace.HasDatabaseSpan("postgresql"), $"no Npgsql span in the trace:\n{trace}");
        Assert.True(trace.HasDatabaseSpan("redis"), $"no Redis span in the trace:\n{trace}");
    }

    [Fact]
    public async Task A_chat_turn_with_a_tool_call_is_one_trace_across_agents_the_gateway_and_billing()
    {
        var tenant = await NewTenantAsync();
        await Ok(tenant.Billing.PostAsJsonAsync($"/tokens/add/{tenant.Id}", new { amount = 10, idempotencyKey = Guid.NewGuid().ToString() }));
        var userId = (await tenant.Agents.GetFromJsonAsync<JsonElement>("/auth/whoami")).GetProperty("userId").GetGuid();

        var turn = await (await Ok(tenant.Agents.PostAsJsonAsync($"/api/{userId}/chat", new { message = "What time is it in Europe/Paris?" })))
            .Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal("current_time", Assert.Single(turn.GetProperty("tool_calls").EnumerateArray()).GetProperty("name").GetString());
        Assert.Equal("succeeded", Assert.Single(turn.GetProperty("tool_results").EnumerateArray()).GetProperty("status").GetString());
        var run = await tenant.Agents.GetFromJsonAsync<JsonElement>($"/runs/{turn.GetProperty("run_id").GetGuid()}");
        var traceId = ActivityTraceId.CreateFromString(run.GetProperty("traceId").GetString());
        string[] services = ["agents", "billing", "tool-gateway"];
        var trace = await DashboardTrace.WaitAsync(system.Dashboard, traceId,
            t => t.Services.IsSupersetOf(services) && t.Spans.Any(s => s.Service == "tool-gateway" && s.Name == "tool.invoke"), TimeSpan.FromSeconds(30));

        Assert.True(trace.Services.IsSupersetOf(services), $"services in the trace: {string.Join(", ", trace.Services)}\n{trace}");
        Assert.Contains(trace.Spans, s => s.Service == "tool-gateway" && s.Name == "tool.invoke");
        Assert.True(trace.HasDatabaseSpan("postgresql"), $"no Npgsql span in the trace:\n{trace}");
    }

    /// <summary>A new tenant signed up through agents, whose owner allows HTTP requests to the loopback network.</summary>
    async Task<Tenant> NewTenantAsync()
    {
        using var anonymous = system.App.CreateHttpClient("agents");
        var email = $"owner-{Guid.NewGuid():N}@example.com";
        var signedUp = await Ok(anonymous.PostAsJsonAsync("/tenants", new
        {
            name = "Tool test tenant", ownerEmail = email, ownerDisplayName = "Owner", ownerPassword = "a long enough password",
        }));
        var tenantId = (await signedUp.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("tenantId").GetGuid();
        var token = await Ok(anonymous.PostAsJsonAsync("/auth/token", new { email, password = "a long enough password" }));
        var tenant = new Tenant(tenantId, (await token.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!, system);

        await Ok(tenant.Agents.PostAsJsonAsync("/permissions/grants", new { scope = "tenant", permission = "http:request" }));
        await Ok(tenant.Gateway.PutAsJsonAsync("/tool-settings/http_request",
            new { enabled = true, configuration = new { allowedNetworks = new[] { "127.0.0.1/32" } } }));
        return tenant;
    }

    sealed class Tenant(Guid id, string token, SystemFixture system)
    {
        public Guid Id => id;
        public HttpClient Agents { get; } = Client(system, "agents", token);
        public HttpClient Billing { get; } = Client(system, "billing", token);
        public HttpClient Credentials { get; } = Client(system, "credentials", token);
        public HttpClient Gateway { get; } = Client(system, "tool-gateway", token);

        public async Task<Guid> StoreTargetTokenAsync()
        {
            var created = await Ok(Credentials.PostAsJsonAsync($"/tenant/{id}/credentials", new
            {
                user_id = (Guid?)null, type = "http", name = "orders api", meta = new { auth = "bearer" }, credentials = new { token = Secret },
            }));
            return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("credential_id").GetGuid();
        }

        public object HttpCall(Guid credentialId, string url) =>
            new { toolCallId = $"call-{Guid.NewGuid():N}", credentialId, arguments = new { method = "GET", url } };

        public async Task<ToolInvocationResult> InvokeAsync(string tool, object call) =>
            (await (await Ok(Gateway.PostAsJsonAsync($"/tools/{tool}/invoke", call))).Content.ReadFromJsonAsync<ToolInvocationResult>())!;

        static HttpClient Client(SystemFixture system, string resource, string token) =>
            system.App.CreateHttpClient(resource).WithToken(token);
    }

    static async Task<long> BalanceAsync(HttpClient billing, Guid tenantId) =>
        (await billing.GetFromJsonAsync<JsonElement>($"/tokens/balance/{tenantId}")).GetProperty("availableTokens").GetInt64();

    static async Task<HttpResponseMessage> Ok(Task<HttpResponseMessage> sending)
    {
        var response = await sending;
        Assert.True(response.IsSuccessStatusCode,
            $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} → {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return response;
    }
}
