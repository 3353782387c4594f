using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgentCloud.Contracts.Tools;
using AgentCloud.Testing;
using AgentCloud.ToolGateway.FunctionalTests.Peers;
using Xunit;

namespace AgentCloud.ToolGateway.FunctionalTests;

/// <summary>A fresh tenant with one member and one admin, and the agents runtime's service client acting for it.</summary>
public sealed class TestTenant(ToolGatewayFactory factory)
{
    public Guid TenantId { get; } = Guid.NewGuid();
    public Guid UserId { get; } = Guid.NewGuid();
    public Guid AgentId { get; } = Guid.NewGuid();
    public Guid RunId { get; } = Guid.NewGuid();

    public HttpClient User => factory.CreateClient(TestTokens.User(TenantId, UserId));
    public HttpClient Admin => factory.CreateClient(TestTokens.Admin(TenantId));
    public HttpClient Agents => factory.CreateClient(TestTokens.Service("agents"));
    public LocalPeers Peers => factory.Peers;

    public TestTenant Grant(params string[] permissions)
    {
        factory.Peers.Permissions[UserId] = [.. permissions];
        return this;
    }

    public TestTenant Tokens(long balance)
    {
        factory.Peers.Billing.SetBalance(TenantId, balance);
        return this;
    }

    public async Task ConfigureAsync(string key, object? configuration = null, bool enabled = true, bool? requireApproval = null)
    {
        using var response = await Admin.PutAsJsonAsync($"/tool-settings/{key}", new { enabled, requireApproval, configuration });
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    public Guid AddCredential(string type, string secret, Dictionary<string, string>? meta = null, Guid? userId = null)
    {
        var id = Guid.NewGuid();
        factory.Peers.Credentials[(TenantId, id)] = new StoredCredential(type, secret, meta ?? [], userId);
        return id;
    }

    /// <summary>The agents runtime invoking for this tenant's user.</summary>
    public async Task<ToolInvocationResult> InvokeAsync(string key, object arguments, string? toolCallId = null, Guid? credentialId = null,
        string? grant = null, string? callContext = null, Guid? locationId = null)
    {
        using var response = await InvokeRawAsync(key, arguments, toolCallId ?? NewCallId(), credentialId, grant, callContext, locationId);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<ToolInvocationResult>())!;
    }

    public Task<HttpResponseMessage> InvokeRawAsync(string key, object arguments, string toolCallId, Guid? credentialId = null, string? grant = null,
        string? callContext = null, Guid? locationId = null) =>
        Agents.PostAsJsonAsync($"/tools/{key}/invoke", new
        {
            tenantId = TenantId, userId = UserId, agentId = AgentId, runId = RunId, locationId, toolCallId,
            arguments, credentialId, approvalGrant = grant, callContext,
        });

    public static string NewCallId() => "call_" + Guid.NewGuid().ToString("N");

    public static JsonElement Json(object value) => JsonSerializer.SerializeToElement(value);

    public static JsonObject Output(ToolInvocationResult result)
    {
        Assert.True(result.Status == "succeeded", $"{result.Status}: {result.Error?.Code} {result.Error?.Message}");
        return JsonNode.Parse(result.Output!.Value.GetRawText())!.AsObject();
    }
}
