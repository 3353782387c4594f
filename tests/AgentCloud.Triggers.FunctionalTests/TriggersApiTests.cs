using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AgentCloud.Contracts.Triggers;
using AgentCloud.Testing;
using Xunit;

namespace AgentCloud.Triggers.FunctionalTests;

public sealed class TriggersApiTests(TriggersFactory factory) : IClassFixture<TriggersFactory>
{
    [Fact]
    public async Task A_trigger_is_created_read_listed_changed_and_deleted_through_the_seed_003_routes()
    {
        var tenant = new TestTenant(factory);
        var conversation = Guid.NewGuid();

        var created = await tenant.CreateTimerAsync(new { cron = "0 9 * * 1-5", time_zone = "Europe/Paris" }, conversation);
        var read = await tenant.GetAsync(created.TriggerId);
        var byAgent = await tenant.Client.GetFromJsonAsync<TriggerList>($"/agent/{tenant.AgentId}/triggers");
        var byTenant = await tenant.Client.GetFromJsonAsync<TriggerList>("/triggers");
        var paused = await tenant.PatchAsync(created.TriggerId, new { active = false });
        using var deleted = await tenant.Client.DeleteAsync($"/triggers/{created.TriggerId}");
        using var gone = await tenant.Client.GetAsync($"/triggers/{created.TriggerId}");

        Assert.Equal((tenant.TenantId, tenant.AgentId, tenant.UserId, "timer", conversation, true),
            (read.TenantId, read.AgentId, read.UserId, read.System, read.ConversationId, read.Active));
        Assert.Equal("0 9 * * 1-5", read.Options.GetProperty("cron").GetString());
        Assert.Equal("fire_once", read.Options.GetProperty("misfire").GetString());
        Assert.NotNull(read.NextFireAt);
        Assert.Equal(9, TimeZoneInfo.ConvertTime(read.NextFireAt!.Value, TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris")).Hour);
        Assert.Equal([created.TriggerId], byAgent!.Items.Select(t => t.TriggerId));
        Assert.Equal([created.TriggerId], byTenant!.Items.Select(t => t.TriggerId));
        Assert.False(paused.Active);
        Assert.Null(paused.NextFireAt);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        Assert.Contains($"{tenant.UserId} {tenant.AgentId}", factory.Directory.AgentLookups); // the user's own token asked
    }

    [Fact]
    public async Task Lists_page_with_after_and_filter_by_system()
    {
        var tenant = new TestTenant(factory);
        var created = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            created.Add((await tenant.CreateTimerAsync(new { interval_seconds = 60 + i })).TriggerId);
        }
        var webhook = await tenant.CreateAsync(new { system = "webhook", options = new { } });

        var first = await tenant.Client.GetFromJsonAsync<TriggerList>("/triggers?limit=2");
        var rest = await tenant.Client.GetFromJsonAsync<TriggerList>($"/triggers?limit=2&after={first!.Items[^1].TriggerId}");
        var timers = await tenant.Client.GetFromJsonAsync<TriggerList>("/triggers?system=timer");

        Assert.Equal([.. created, webhook.TriggerId], first.Items.Concat(rest!.Items).Select(t => t.TriggerId));
        Assert.Equal(created, timers!.Items.Select(t => t.TriggerId));
    }

    [Fact]
    public async Task An_agent_the_user_cannot_see_is_a_404_and_nothing_is_written()
    {
        var tenant = new TestTenant(factory);
        var hidden = Guid.NewGuid();
        factory.Directory.AddAgent(tenant.TenantId, hidden, Guid.NewGuid()); // visible to someone else only

        using var unknown = await tenant.PostAsync(new { system = "timer", options = new { interval_seconds = 60 } }, Guid.NewGuid());
        using var invisible = await tenant.PostAsync(new { system = "timer", options = new { interval_seconds = 60 } }, hidden);

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, invisible.StatusCode);
        Assert.Equal("application/problem+json", invisible.Content.Headers.ContentType?.MediaType);
        Assert.Empty((await tenant.Client.GetFromJsonAsync<TriggerList>("/triggers"))!.Items);
    }

    [Fact]
    public async Task A_credential_must_exist_and_be_the_users_own_or_tenant_wide()
    {
        var tenant = new TestTenant(factory);
        var mine = factory.Peers.Credentials.Add(tenant.TenantId, tenant.UserId, "oauth2", new { access_token = "x" });
        var tenantWide = factory.Peers.Credentials.Add(tenant.TenantId, null, "oauth2", new { access_token = "x" });
        var someoneElses = factory.Peers.Credentials.Add(tenant.TenantId, Guid.NewGuid(), "oauth2", new { access_token = "x" });

        var withMine = await tenant.CreateAsync(new { system = "gmail", credential_id = mine, options = new { } });
        var withTenantWide = await tenant.CreateAsync(new { system = "gmail", credential_id = tenantWide, options = new { } });
        using var withOther = await tenant.PostAsync(new { system = "gmail", credential_id = someoneElses, options = new { } });
        using var withUnknown = await tenant.PostAsync(new { system = "gmail", credential_id = Guid.NewGuid(), options = new { } });
        using var without = await tenant.PostAsync(new { system = "gmail", options = new { } });

        Assert.Equal(mine, withMine.CredentialId);
        Assert.Equal(tenantWide, withTenantWide.CredentialId);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, withOther.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, withUnknown.StatusCode);
        Assert.Contains("credential_id", await withOther.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, without.StatusCode);
        Assert.Equal(2, (await tenant.Client.GetFromJsonAsync<TriggerList>("/triggers"))!.Items.Count);
    }

    [Fact]
    public async Task The_tool_gateway_acts_for_a_tenant_and_user_it_names_and_lists_their_pending_reminders()
    {
        var tenant = new TestTenant(factory);
        var conversation = Guid.NewGuid();
        var at = DateTimeOffset.UtcNow.AddHours(2);

        using var created = await tenant.Gateway.PostAsync($"/agent/{tenant.AgentId}/trigger?{tenant.ActingAsGateway}", TestTenant.Json(
            new TriggerRequest(TriggerSystems.Timer, JsonSerializer.SerializeToElement(new { at, reminder = "Call Bob" }), ConversationId: conversation)));
        var reminder = (await created.Content.ReadFromJsonAsync<TriggerDetails>())!;
        await tenant.CreateTimerAsync(new { interval_seconds = 3600 });
        var reminders = await tenant.Gateway.GetFromJsonAsync<TriggerList>(
            $"/agent/{tenant.AgentId}/triggers?{tenant.ActingAsGateway}&reminders=true&pending=true&mine=true");
        using var withoutTenant = await tenant.Gateway.GetAsync($"/triggers/{reminder.TriggerId}");
        using var asUser = await factory.CreateClient(TestTokens.Service("billing")).GetAsync($"/triggers/{reminder.TriggerId}?{tenant.ActingAsGateway}");

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal((tenant.UserId, conversation), (reminder.UserId, reminder.ConversationId));
        Assert.Equal([reminder.TriggerId], reminders!.Items.Select(t => t.TriggerId));
        Assert.Equal("Call Bob", reminders.Items[0].Options.GetProperty("reminder").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, withoutTenant.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, asUser.StatusCode);
    }

    [Fact]
    public async Task Another_tenants_trigger_and_its_events_answer_404_everywhere()
    {
        var a = new TestTenant(factory);
        var b = new TestTenant(factory);
        var trigger = await a.CreateTimerAsync(new { interval_seconds = 600 });
        var webhook = await a.CreateAsync(new { system = "webhook", options = new { } });

        await TenantIsolation.AssertTenantIsolatedAsync(a.Client, b.Client, $"/triggers/{trigger.TriggerId}", listUrl: "/triggers");
        await TenantIsolation.AssertTenantIsolatedAsync(a.Client, b.Client, $"/triggers/{trigger.TriggerId}/events", canDelete: false);
        using var patchThroughOwnAgent = await b.Client.PatchAsync($"/agent/{b.AgentId}/triggers/{trigger.TriggerId}", TestTenant.Json(new { active = false }));
        using var patchThroughTheirAgent = await b.Client.PatchAsync($"/agent/{a.AgentId}/triggers/{trigger.TriggerId}", TestTenant.Json(new { active = false }));
        using var listTheirAgent = await b.Client.GetAsync($"/agent/{a.AgentId}/triggers");
        using var rotate = await b.Client.PostAsync($"/triggers/{webhook.TriggerId}/webhook-secret", null);
        using var gatewayForB = await a.Gateway.GetAsync($"/triggers/{trigger.TriggerId}?tenant_id={b.TenantId}");

        Assert.Equal(HttpStatusCode.NotFound, patchThroughOwnAgent.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, patchThroughTheirAgent.StatusCode);
        Assert.DoesNotContain(trigger.TriggerId.ToString(), await listTheirAgent.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, rotate.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, gatewayForB.StatusCode);
        Assert.True((await a.GetAsync(trigger.TriggerId)).Active);
    }

    [Fact]
    public async Task A_webhook_trigger_shows_its_secret_only_when_it_is_made_or_rotated()
    {
        var tenant = new TestTenant(factory);

        var created = await tenant.CreateAsync(new { system = "webhook", options = new { } });
        var read = await tenant.GetAsync(created.TriggerId);
        var listed = await tenant.Client.GetStringAsync("/triggers");
        using var rotated = await tenant.Client.PostAsync($"/triggers/{created.TriggerId}/webhook-secret", null);
        var rotatedSecret = (await rotated.Content.ReadFromJsonAsync<TriggerDetails>())!.Webhook!.Secret;

        Assert.StartsWith("whsec_", created.Webhook!.Secret);
        Assert.EndsWith($"/hooks/{created.TriggerId}", created.Webhook.Url);
        Assert.Null(read.Webhook!.Secret);
        Assert.DoesNotContain(created.Webhook.Secret!, listed);
        Assert.StartsWith("whsec_", rotatedSecret);
        Assert.NotEqual(created.Webhook.Secret, rotatedSecret);
    }

    [Fact]
    public async Task Every_route_but_the_webhook_receiver_needs_a_token()
    {
        var anonymous = factory.CreateClient();
        var id = Guid.NewGuid();

        foreach (var (method, url) in new[] { ("POST", $"/agent/{id}/trigger"), ("PATCH", $"/agent/{id}/triggers/{id}"), ("GET", $"/agent/{id}/triggers"),
            ("GET", "/triggers"), ("GET", $"/triggers/{id}"), ("DELETE", $"/triggers/{id}"), ("GET", $"/triggers/{id}/events"),
            ("POST", $"/triggers/{id}/webhook-secret") })
        {
            using var response = await anonymous.SendAsync(new HttpRequestMessage(new HttpMethod(method), url) { Content = TestTenant.Json(new { }) });
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{method} {url}: {(int)response.StatusCode}");
        }
        using var hook = await anonymous.PostAsync($"/hooks/{id}", TestTenant.Json(new { }));
        Assert.Equal(HttpStatusCode.NotFound, hook.StatusCode); // reached the receiver: no such webhook
    }
}
