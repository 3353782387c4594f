using Xunit;

namespace AgentCloud.ToolGateway.FunctionalTests;

/// <summary>The agents runtime carries the user's permissions in a signed call context; the gateway then asks no one.</summary>
[Collection(GatewayCollection.Name)]
public sealed class CallContextTests(ToolGatewayFactory factory)
{
    bool DirectoryWasAsked(TestTenant tenant) => factory.Peers.PermissionLookups.Any(q => q.Contains(tenant.UserId.ToString()));

    [Fact]
    public async Task A_valid_call_context_decides_the_permissions_without_asking_the_directory()
    {
        var tenant = new TestTenant(factory); // the directory knows nothing of this user: only the context grants
        var location = Guid.NewGuid();
        var context = TestCallContexts.Sign(tenant.TenantId, tenant.UserId, ["todos:write", "todos:read"], location);

        var added = await tenant.InvokeAsync("add_todo", new { title = "From the runtime" }, callContext: context, locationId: location);
        var listed = await tenant.InvokeAsync("list_todos", new { }, callContext: context, locationId: location);

        Assert.Equal("succeeded", added.Status);
        Assert.Single(TestTenant.Output(listed)["todos"]!.AsArray());
        Assert.False(DirectoryWasAsked(tenant));
        var readOnly = TestCallContexts.Sign(tenant.TenantId, tenant.UserId, ["todos:read"], location);
        var refused = await tenant.InvokeAsync("add_todo", new { title = "Not allowed" }, callContext: readOnly, locationId: location);
        Assert.Equal("permission_denied", refused.Error!.Code);
        Assert.Contains("todos:write", refused.Error.Message);
        Assert.False(DirectoryWasAsked(tenant));
    }

    [Fact]
    public async Task An_expired_call_context_is_ignored_and_the_directory_decides()
    {
        var tenant = new TestTenant(factory).Grant("todos:read");
        var expired = TestCallContexts.Sign(tenant.TenantId, tenant.UserId, ["todos:read", "todos:write"], issuedAt: DateTimeOffset.UtcNow.AddMinutes(-10));

        Assert.Equal("succeeded", (await tenant.InvokeAsync("list_todos", new { }, callContext: expired)).Status);
        Assert.Equal("permission_denied", (await tenant.InvokeAsync("add_todo", new { title = "x" }, callContext: expired)).Error!.Code);
        Assert.True(DirectoryWasAsked(tenant));
    }

    [Fact]
    public async Task A_forged_misdirected_or_long_lived_call_context_refuses_the_call_and_nothing_happens()
    {
        var tenant = new TestTenant(factory).Grant("todos:read", "todos:write");
        var location = Guid.NewGuid();
        string[] all = ["todos:read", "todos:write"];
        var attempts = new Dictionary<string, (string Context, Guid? Location)>
        {
            ["garbage"] = ("not-a-token", null),
            ["an access token"] = (AgentCloud.Testing.TestTokens.Service("agents"), null),
            ["an approval grant"] = (TestGrants.Sign(tenant.TenantId, "add_todo", "c", new { title = "x" }), null),
            ["forged (other key)"] = (TestCallContexts.Sign(tenant.TenantId, tenant.UserId, all, platformKey: TestGrants.OtherKey), null),
            ["another issuer"] = (TestCallContexts.Sign(tenant.TenantId, tenant.UserId, all, issuer: "web"), null),
            ["too long-lived"] = (TestCallContexts.Sign(tenant.TenantId, tenant.UserId, all, lifetime: TimeSpan.FromHours(1)), null),
            ["issued in the future"] = (TestCallContexts.Sign(tenant.TenantId, tenant.UserId, all, issuedAt: DateTimeOffset.UtcNow.AddMinutes(3)), null),
            ["another tenant"] = (TestCallContexts.Sign(Guid.NewGuid(), tenant.UserId, all), null),
            ["another user"] = (TestCallContexts.Sign(tenant.TenantId, Guid.NewGuid(), all), null),
            ["another location"] = (TestCallContexts.Sign(tenant.TenantId, tenant.UserId, all, Guid.NewGuid()), location),
            ["no location for a call at one"] = (TestCallContexts.Sign(tenant.TenantId, tenant.UserId, all), location),
            ["a location for a call at none"] = (TestCallContexts.Sign(tenant.TenantId, tenant.UserId, all, location), null),
        };
        foreach (var (name, (context, at)) in attempts)
        {
            var result = await tenant.InvokeAsync("add_todo", new { title = name }, callContext: context, locationId: at);
            Assert.True(result.Error?.Code == "permission_denied", $"{name}: {result.Status} {result.Error?.Code}");
            Assert.Contains("call context", result.Error!.Message);
        }
        Assert.Empty(TestTenant.Output(await tenant.InvokeAsync("list_todos", new { }))["todos"]!.AsArray());
    }
}
