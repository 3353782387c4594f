using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AgentCloud.Testing;
using Xunit;

namespace AgentCloud.ToolGateway.FunctionalTests;

[Collection(GatewayCollection.Name)]
public sealed class RegistryTests(ToolGatewayFactory factory)
{
    [Fact]
    public async Task The_catalog_lists_enabled_tools_with_OpenAI_function_schemas()
    {
        var tenant = new TestTenant(factory);
        var tools = await tenant.User.GetFromJsonAsync<JsonElement>("/tools");

        var keys = tools.EnumerateArray().Select(t => t.GetProperty("key").GetString()).ToList();
        Assert.Contains("current_time", keys);
        Assert.Contains("add_todo", keys);
        Assert.DoesNotContain("send_email", keys); // communication tools start disabled
        var todo = tools.EnumerateArray().Single(t => t.GetProperty("key").GetString() == "add_todo");
        Assert.Equal("resource", todo.GetProperty("category").GetString());
        Assert.Equal("automatic", todo.GetProperty("defaultDecisionLevel").GetString());
        Assert.Equal("todos:write", todo.GetProperty("requiredPermissions")[0].GetString());
        var function = todo.GetProperty("tool");
        Assert.Equal("function", function.GetProperty("type").GetString());
        Assert.Equal("add_todo", function.GetProperty("function").GetProperty("name").GetString());
        Assert.Equal("title", function.GetProperty("function").GetProperty("parameters").GetProperty("required")[0].GetString());

        var openAi = await tenant.User.GetFromJsonAsync<JsonElement>("/tools?format=openai");
        Assert.All(openAi.EnumerateArray(), t => Assert.Equal("function", t.GetProperty("type").GetString()));
        Assert.Equal(keys.Count, openAi.GetArrayLength());
    }

    [Fact]
    public async Task One_tool_is_described_with_every_definition_field()
    {
        var tenant = new TestTenant(factory);
        var call = await tenant.User.GetFromJsonAsync<JsonElement>("/tools/make_phone_call");

        Assert.Equal("communication", call.GetProperty("category").GetString());
        Assert.Equal(50, call.GetProperty("tokenCost").GetInt64());
        Assert.Equal("approval_required", call.GetProperty("defaultDecisionLevel").GetString());
        Assert.True(call.GetProperty("requiresApproval").GetBoolean());
        Assert.Equal("twilio", call.GetProperty("credentialType").GetString());
        Assert.Equal(20, call.GetProperty("timeoutSeconds").GetDouble());
        Assert.False(call.GetProperty("isAsync").GetBoolean());
        Assert.False(call.GetProperty("enabled").GetBoolean());

        using var missing = await tenant.User.GetAsync("/tools/no_such_tool");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task An_admin_enables_and_configures_a_tool_for_their_tenant_only()
    {
        var tenant = new TestTenant(factory);
        var other = new TestTenant(factory);
        await tenant.ConfigureAsync("send_email", new { host = "127.0.0.1", port = 2525, from = "bot@example.com" }, requireApproval: true);

        var keys = (await tenant.User.GetFromJsonAsync<JsonElement>("/tools")).EnumerateArray().Select(t => t.GetProperty("key").GetString());
        Assert.Contains("send_email", keys);
        var email = await tenant.User.GetFromJsonAsync<JsonElement>("/tools/send_email");
        Assert.True(email.GetProperty("requiresApproval").GetBoolean());
        Assert.Equal("approval_required", email.GetProperty("defaultDecisionLevel").GetString());

        var settings = await tenant.Admin.GetFromJsonAsync<JsonElement>("/tool-settings");
        var mail = settings.EnumerateArray().Single(s => s.GetProperty("key").GetString() == "send_email");
        Assert.Equal("bot@example.com", mail.GetProperty("configuration").GetProperty("from").GetString());

        var otherKeys = (await other.User.GetFromJsonAsync<JsonElement>("/tools")).EnumerateArray().Select(t => t.GetProperty("key").GetString());
        Assert.DoesNotContain("send_email", otherKeys);
        var otherSettings = await other.Admin.GetFromJsonAsync<JsonElement>("/tool-settings");
        Assert.DoesNotContain("bot@example.com", otherSettings.GetRawText());
    }

    [Fact]
    public async Task Settings_are_for_admins_and_checked()
    {
        var tenant = new TestTenant(factory);
        using var member = await tenant.User.PutAsJsonAsync("/tool-settings/current_time", new { enabled = false });
        Assert.Equal(HttpStatusCode.Forbidden, member.StatusCode);
        using var service = await tenant.Agents.PutAsJsonAsync("/tool-settings/current_time", new { enabled = false });
        Assert.Equal(HttpStatusCode.Forbidden, service.StatusCode);
        using var unknown = await tenant.Admin.PutAsJsonAsync("/tool-settings/nope", new { enabled = true });
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        using var badNetworks = await tenant.Admin.PutAsJsonAsync("/tool-settings/http_request",
            new { enabled = true, configuration = new { allowedNetworks = new[] { "10.0.0.0/99" } } });
        Assert.Equal(HttpStatusCode.BadRequest, badNetworks.StatusCode);
        Assert.Contains("allowedNetworks", await badNetworks.Content.ReadAsStringAsync());
        using var badPort = await tenant.Admin.PutAsJsonAsync("/tool-settings/send_email", new { enabled = true, configuration = new { port = "x" } });
        Assert.Equal(HttpStatusCode.BadRequest, badPort.StatusCode);
        using var fractionalPort = await tenant.Admin.PutAsJsonAsync("/tool-settings/send_email", new { enabled = true, configuration = new { port = 25.5 } });
        Assert.Equal(HttpStatusCode.BadRequest, fractionalPort.StatusCode);
        using var badTimeout = await tenant.Admin.PutAsJsonAsync("/tool-settings/send_email", new { enabled = true, configuration = new { timeoutSeconds = -1 } });
        Assert.Equal(HttpStatusCode.BadRequest, badTimeout.StatusCode);

        var http = await tenant.User.GetFromJsonAsync<JsonElement>("/tools/http_request");
        Assert.False(http.GetProperty("enabled").GetBoolean()); // nothing half-written
    }

    [Fact]
    public async Task Services_name_the_tenant_users_cannot_name_another()
    {
        var tenant = new TestTenant(factory);
        using var unnamed = await tenant.Agents.GetAsync("/tools");
        Assert.Equal(HttpStatusCode.BadRequest, unnamed.StatusCode);
        var named = await tenant.Agents.GetFromJsonAsync<JsonElement>($"/tools?tenantId={tenant.TenantId}");
        Assert.True(named.GetArrayLength() > 0);

        using var foreign = await tenant.User.GetAsync($"/tools?tenantId={Guid.NewGuid()}");
        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
        using var anonymous = await factory.CreateClient().GetAsync("/tools");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        using var billing = await factory.CreateClient(TestTokens.Service("billing")).PostAsJsonAsync("/tools/current_time/invoke",
            new { tenantId = tenant.TenantId, toolCallId = "x", arguments = new { } });
        Assert.Equal(HttpStatusCode.Forbidden, billing.StatusCode);
    }
}
