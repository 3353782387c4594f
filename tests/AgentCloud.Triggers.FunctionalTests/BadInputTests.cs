using System.Net;
using System.Net.Http.Json;
using Npgsql;
using Xunit;

namespace AgentCloud.Triggers.FunctionalTests;

public sealed class BadInputTests(TriggersFactory factory) : IClassFixture<TriggersFactory>
{
    public static TheoryData<string, string> BadCreates => new()
    {
        { "not json", "body" },
        { "[1, 2]", "body" },
        { """{ "options": {} }""", "system" },
        { """{ "system": "carrier_pigeon", "options": {} }""", "system" },
        { """{ "system": "timer" }""", "options" },
        { """{ "system": "timer", "options": "every day" }""", "options" },
        { """{ "system": "timer", "options": { "cron": "61 * * * *" } }""", "options.cron" },
        { """{ "system": "timer", "options": { "cron": "every monday" } }""", "options.cron" },
        { """{ "system": "timer", "options": { "cron": "0 0 30 2 *" } }""", "options.cron" },
        { """{ "system": "timer", "options": { "cron": "0 9 * * *", "time_zone": "Mars/Olympus_Mons" } }""", "options.time_zone" },
        { """{ "system": "timer", "options": { "cron": "0 9 * * *", "interval_seconds": 60 } }""", "options.cron" },
        { """{ "system": "timer", "options": {} }""", "options.cron" },
        { """{ "system": "timer", "options": { "interval_seconds": 0 } }""", "options.interval_seconds" },
        { """{ "system": "timer", "options": { "at": "tomorrow" } }""", "options.at" },
        { """{ "system": "timer", "options": { "at": "2020-01-01T00:00:00Z" } }""", "options.at" },
        { """{ "system": "timer", "options": { "at": "2099-01-01T00:00:00" } }""", "options.at" },
        { """{ "system": "timer", "options": { "interval_seconds": 60, "misfire": "burst" } }""", "options.misfire" },
        { """{ "system": "timer", "options": { "interval_seconds": 60, "reminder": "no at" } }""", "options.reminder" },
        { """{ "system": "timer", "options": { "interval_seconds": 60, "colour": "red" } }""", "options.colour" },
        { """{ "system": "timer", "options": { "interval_seconds": 60 }, "credential_id": "2c1b8f9e-4b1d-4c55-9a8e-1d2f3a4b5c6d" }""", "credential_id" },
        { """{ "system": "timer", "options": { "interval_seconds": 60 }, "conversation_id": "conv-1" }""", "conversation_id" },
        { """{ "system": "timer", "options": { "interval_seconds": 60 }, "active": "yes" }""", "active" },
        { """{ "system": "timer", "options": { "interval_seconds": 60 }, "agent": "x" }""", "agent" },
        { """{ "system": "webhook", "options": { "secret": "mine" } }""", "options.secret" },
        { """{ "system": "http_poll", "options": { "url": "ftp://example.com/x" } }""", "options.url" },
        { """{ "system": "http_poll", "options": { "url": "https://user:pw@example.com/x" } }""", "options.url" },
        { """{ "system": "http_poll", "options": { "url": "https://example.com/x", "interval_seconds": 0 } }""", "options.interval_seconds" },
        { """{ "system": "http_poll", "options": { "url": "https://example.com/x", "items_path": "$..items" } }""", "options.items_path" },
        { """{ "system": "http_poll", "options": { "url": "https://example.com/x", "headers": { "Authorization": "Bearer x" } } }""", "options.headers" },
        { """{ "system": "hubspot", "options": { "object_type": "unicorns" }, "credential_id": "2c1b8f9e-4b1d-4c55-9a8e-1d2f3a4b5c6d" }""", "options.object_type" },
        { """{ "system": "gmail", "options": { "label_ids": "INBOX" }, "credential_id": "2c1b8f9e-4b1d-4c55-9a8e-1d2f3a4b5c6d" }""", "options.label_ids" },
    };

    [Theory]
    [MemberData(nameof(BadCreates))]
    public async Task A_bad_create_is_a_400_naming_the_field_and_writes_nothing(string body, string field)
    {
        var tenant = new TestTenant(factory);

        using var response = await tenant.Client.PostAsync($"/agent/{tenant.AgentId}/trigger", TestTenant.Json(body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        if (field != "body")
        {
            var problem = await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"{field} not named in {problem}");
        }
        Assert.Equal(0, await RowsAsync(tenant.TenantId));
    }

    [Fact]
    public async Task A_bad_change_is_a_400_and_changes_nothing()
    {
        var tenant = new TestTenant(factory);
        var trigger = await tenant.CreateTimerAsync(new { cron = "0 9 * * *" });

        foreach (var body in new[] { """{ "system": "webhook" }""", """{ "options": { "cron": "nope" } }""", """{}""", """{ "active": 1 }""", "{" })
        {
            using var response = await tenant.Client.PatchAsync($"/agent/{tenant.AgentId}/triggers/{trigger.TriggerId}", TestTenant.Json(body));
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{body}: {(int)response.StatusCode}");
        }
        var after = await tenant.GetAsync(trigger.TriggerId);
        Assert.Equal((trigger.UpdatedAt, trigger.NextFireAt, "0 9 * * *"), (after.UpdatedAt, after.NextFireAt, after.Options.GetProperty("cron").GetString()));
    }

    [Fact]
    public async Task Non_uuid_ids_and_bad_query_values_are_4xx_problems()
    {
        var tenant = new TestTenant(factory);

        foreach (var (method, url) in new[] { ("GET", "/triggers/123"), ("DELETE", "/triggers/abc"), ("GET", "/triggers/abc/events"),
            ("POST", "/agent/not-a-uuid/trigger"), ("PATCH", $"/agent/{tenant.AgentId}/triggers/xyz"), ("GET", "/agent/1/triggers"),
            ("GET", "/triggers?limit=0"), ("GET", "/triggers?system=fax"), ("GET", "/triggers?after=zzz"), ("GET", $"/triggers/{Guid.NewGuid()}/events?limit=9999"),
            ("POST", "/hooks/not-a-uuid") })
        {
            using var response = await tenant.Client.SendAsync(new HttpRequestMessage(new HttpMethod(method), url) { Content = TestTenant.Json(new { }) });
            Assert.True((int)response.StatusCode is >= 400 and < 500, $"{method} {url}: {(int)response.StatusCode}");
            Assert.True(response.Content.Headers.ContentType?.MediaType == "application/problem+json", $"{method} {url}: {response.Content.Headers.ContentType}");
        }
    }

    [Fact]
    public async Task An_oversized_body_is_a_413()
    {
        var tenant = new TestTenant(factory);
        var payload = new string('x', TriggerInputLimit + 10);

        using var response = await tenant.Client.PostAsync($"/agent/{tenant.AgentId}/trigger",
            TestTenant.Json(new { system = "timer", options = new { interval_seconds = 60, payload = new { payload } } }));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(0, await RowsAsync(tenant.TenantId));
    }

    const int TriggerInputLimit = Apis.TriggerInput.MaxBodyBytes;

    async Task<long> RowsAsync(Guid tenantId)
    {
        await using var connection = new NpgsqlConnection(factory.Database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            SELECT (SELECT count(*) FROM triggers WHERE tenant_id = @t) + (SELECT count(*) FROM timer_schedules s JOIN triggers t ON t.id = s.trigger_id WHERE t.tenant_id = @t)
                 + (SELECT count(*) FROM listeners WHERE tenant_id = @t)
            """, connection);
        command.Parameters.AddWithValue("t", tenantId);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
