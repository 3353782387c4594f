using AgentCloud.Contracts.Triggers;
using AgentCloud.Triggers.Listeners;
using Npgsql;
using Xunit;

namespace AgentCloud.Triggers.FunctionalTests;

/// <summary>
/// Polling listeners against local servers that speak the sources' shapes, on a clock the test moves (the poller
/// loop is off; the test runs its passes). HTTP happens for real.
/// </summary>
public sealed class PollingTests : IAsyncLifetime
{
    readonly ManualClock _clock = new(new DateTimeOffset(DateTimeOffset.UtcNow.Ticks / TimeSpan.TicksPerSecond * TimeSpan.TicksPerSecond, TimeSpan.Zero));
    readonly TriggersFactory _factory;

    public PollingTests() => _factory = TriggersFactory.WithClock(_clock);

    async Task PollAsync(TimeSpan? after = null)
    {
        _clock.Advance(after ?? TimeSpan.FromSeconds(1));
        await _factory.Service<ListenerPoller>().PollDueAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Http_poll_selects_items_by_path_fires_each_new_one_once_and_authenticates_with_the_credential()
    {
        var tenant = new TestTenant(_factory);
        var peers = _factory.Peers;
        var credential = peers.Credentials.Add(tenant.TenantId, tenant.UserId, "http", new { token = "feed-token" });
        peers.Feeds["orders"] = new { data = new { orders = new object[] { new { order_no = 1, total = 10 }, new { order_no = 2, total = 20 } } } };
        var trigger = await tenant.CreateAsync(new
        {
            system = "http_poll", credential_id = credential,
            options = new { url = $"{peers.BaseUrl}/feeds/orders", interval_seconds = 1, items_path = "$.data.orders", id_field = "order_no" },
        });

        await PollAsync(); // takes stock of orders 1 and 2
        peers.Feeds["orders"] = new { data = new { orders = new object[] { new { order_no = 1 }, new { order_no = 2 }, new { order_no = 3, total = 30 } } } };
        await PollAsync();
        await PollAsync(); // nothing new
        peers.Feeds["orders"] = new { data = new { orders = new object[] { new { order_no = 2 }, new { order_no = 3 }, new { order_no = 4 } } } };
        await PollAsync();
        peers.Feeds["orders"] = new { data = new { orders = new object[] { new { order_no = 1 }, new { order_no = 4 } } } };
        await PollAsync(); // order 1 comes back: already seen

        var fired = (await tenant.OutboxAsync()).Select(p => p.Event).ToList();
        Assert.Equal(["3", "4"], fired.Select(e => e.Payload.GetProperty("item_id").GetString()));
        Assert.Equal(30, fired[0].Payload.GetProperty("item").GetProperty("total").GetInt32());
        Assert.All(fired, e => Assert.Equal((trigger.TriggerId, "http_poll"), (e.TriggerId, e.System)));
        Assert.All(peers.FeedRequests.Where(r => r.Feed == "orders"), r => Assert.Equal("Bearer feed-token", r.Authorization));
        var read = Assert.Single(peers.Credentials.Reads, r => r.Credential == credential); // fetched once, kept by the listener
        Assert.Contains(trigger.TriggerId.ToString(), read.Purpose);
        Assert.Equal(tenant.UserId.ToString(), read.UserId);
    }

    [Fact]
    public async Task A_failing_source_backs_off_and_shows_its_error_then_recovers()
    {
        var tenant = new TestTenant(_factory);
        var peers = _factory.Peers;
        peers.Feeds["flaky"] = new[] { new { id = "a" } };
        var trigger = await tenant.CreateAsync(new { system = "http_poll", options = new { url = $"{peers.BaseUrl}/feeds/flaky", interval_seconds = 10 } });
        await PollAsync();

        peers.Feeds["flaky"] = 503;
        await PollAsync(TimeSpan.FromSeconds(10));
        var once = (await tenant.GetAsync(trigger.TriggerId)).Listener!;
        await PollAsync(TimeSpan.FromSeconds(20));
        var twice = (await tenant.GetAsync(trigger.TriggerId)).Listener!;
        var polled = peers.FeedRequests.Count(r => r.Feed == "flaky");
        await PollAsync(TimeSpan.FromSeconds(30)); // still backing off: 40 s after the second failure
        var duringBackoff = peers.FeedRequests.Count(r => r.Feed == "flaky");
        peers.Feeds["flaky"] = new[] { new { id = "a" }, new { id = "b" } };
        await PollAsync(TimeSpan.FromSeconds(10));
        var recovered = (await tenant.GetAsync(trigger.TriggerId)).Listener!;

        Assert.Equal((1, _clock.Now.AddSeconds(-70)), (once.Failures, once.LastPolledAt!.Value));
        Assert.Contains("503", once.LastError);
        Assert.Equal(2, twice.Failures);
        Assert.Equal(twice.NextPollAt, once.NextPollAt!.Value.AddSeconds(20) + TimeSpan.FromSeconds(20)); // 20 s, then 40 s
        Assert.Equal(polled, duringBackoff);
        Assert.Equal((0, null), (recovered.Failures, recovered.LastError));
        Assert.Equal("b", Assert.Single(await tenant.OutboxAsync()).Event.Payload.GetProperty("item_id").GetString());
    }

    [Fact]
    public async Task Two_gmail_triggers_on_one_credential_share_one_listener_that_fans_out_by_label()
    {
        var tenant = new TestTenant(_factory);
        var gmail = _factory.Peers.Gmail;
        var credential = _factory.Peers.Credentials.Add(tenant.TenantId, null, "oauth2", new { access_token = gmail.AccessToken });
        var inbox = await tenant.CreateAsync(new { system = "gmail", credential_id = credential, options = new { label_ids = new[] { "INBOX" }, interval_seconds = 5 } });
        var important = await tenant.CreateAsync(new { system = "gmail", credential_id = credential, options = new { label_ids = new[] { "IMPORTANT" }, interval_seconds = 5 } });
        await PollAsync(); // takes the mailbox's history id
        var historyCallsBefore = gmail.Requests.Count(r => r.Contains("/history"));

        gmail.Deliver("Plain", "INBOX");
        gmail.Deliver("Urgent", "INBOX", "IMPORTANT");
        await PollAsync(TimeSpan.FromSeconds(5));

        var fired = (await tenant.OutboxAsync()).Select(p => p.Event).ToList();
        Assert.Equal(["Plain", "Urgent"], fired.Where(e => e.TriggerId == inbox.TriggerId).Select(e => e.Payload.GetProperty("subject").GetString()));
        Assert.Equal(["Urgent"], fired.Where(e => e.TriggerId == important.TriggerId).Select(e => e.Payload.GetProperty("subject").GetString()));
        Assert.Equal(1, gmail.Requests.Count(r => r.Contains("/history")) - historyCallsBefore); // one poll serves both
        Assert.Equal(1, _factory.Service<ListenerFactory>().Count);
        Assert.Single(_factory.Peers.Credentials.Reads, r => r.Credential == credential);
        Assert.Contains(inbox.TriggerId.ToString(), _factory.Peers.Credentials.Reads.Single(r => r.Credential == credential).Purpose);
        Assert.Equal(2, (await tenant.GetAsync(inbox.TriggerId)).Listener!.SharedBy);
        Assert.Equal(1, await ListenerRowsAsync(tenant.TenantId));
    }

    [Fact]
    public async Task Deactivating_or_deleting_one_trigger_stops_its_share_at_once_and_the_last_one_ends_the_listener()
    {
        var tenant = new TestTenant(_factory);
        var gmail = _factory.Peers.Gmail;
        var credential = _factory.Peers.Credentials.Add(tenant.TenantId, null, "oauth2", new { access_token = gmail.AccessToken });
        var a = await tenant.CreateAsync(new { system = "gmail", credential_id = credential, options = new { interval_seconds = 5 } });
        var b = await tenant.CreateAsync(new { system = "gmail", credential_id = credential, options = new { interval_seconds = 5 } });
        await PollAsync();

        await tenant.PatchAsync(b.TriggerId, new { active = false });
        gmail.Deliver("After pausing b", "INBOX");
        await PollAsync(TimeSpan.FromSeconds(5));
        using var deleted = await tenant.Client.DeleteAsync($"/triggers/{a.TriggerId}");
        gmail.Deliver("After deleting a", "INBOX");
        await PollAsync(TimeSpan.FromSeconds(5));

        var fired = (await tenant.OutboxAsync()).Select(p => p.Event).ToList();
        Assert.Equal([a.TriggerId], fired.Select(e => e.TriggerId));
        Assert.Equal(0, await ListenerRowsAsync(tenant.TenantId));
        Assert.Equal(0, _factory.Service<ListenerFactory>().Count);
    }

    [Fact]
    public async Task Gmail_resyncs_with_messages_list_when_its_history_is_gone()
    {
        var tenant = new TestTenant(_factory);
        var gmail = _factory.Peers.Gmail;
        var credential = _factory.Peers.Credentials.Add(tenant.TenantId, tenant.UserId, "oauth2", new { access_token = gmail.AccessToken });
        var trigger = await tenant.CreateAsync(new { system = "gmail", credential_id = credential, options = new { interval_seconds = 5 } });
        await PollAsync();

        var lost = gmail.Deliver("While history was lost", "INBOX");
        gmail.ForgottenBefore = long.MaxValue;
        await PollAsync(TimeSpan.FromSeconds(5));
        gmail.ForgottenBefore = 0;
        gmail.Deliver("After the resync", "INBOX");
        await PollAsync(TimeSpan.FromSeconds(5));

        var fired = (await tenant.OutboxAsync()).Select(p => p.Event.Payload.GetProperty("message_id").GetString()).ToList();
        Assert.Equal(lost.Id, fired[0]);
        Assert.Equal(2, fired.Count);
        Assert.Contains(gmail.Requests, r => r.StartsWith("GET /gmail/v1/users/me/messages?maxResults=", StringComparison.Ordinal));
        Assert.Equal(0, (await tenant.GetAsync(trigger.TriggerId)).Listener!.Failures);
    }

    [Fact]
    public async Task HubSpot_finds_created_and_updated_records_with_a_refreshed_oauth_token()
    {
        var tenant = new TestTenant(_factory);
        var hubspot = _factory.Peers.HubSpot;
        var credential = _factory.Peers.Credentials.Add(tenant.TenantId, tenant.UserId, "oauth2",
            new { refresh_token = hubspot.RefreshToken, client_id = "client", client_secret = "client-secret" });
        var created = await tenant.CreateAsync(new
        {
            system = "hubspot", credential_id = credential,
            options = new { object_type = "contacts", @event = "created", properties = new[] { "email" }, interval_seconds = 5 },
        });
        var updated = await tenant.CreateAsync(new
        {
            system = "hubspot", credential_id = credential, options = new { object_type = "contacts", @event = "updated", interval_seconds = 5 },
        });
        var old = hubspot.Add("contacts", DateTimeOffset.UtcNow.AddDays(-3), null, ("email", "old@example.com"));
        await PollAsync(); // both listeners start their cursor now
        await PollAsync(TimeSpan.FromSeconds(5)); // and search with their first token: nothing new

        var fresh = hubspot.Add("contacts", DateTimeOffset.UtcNow.AddSeconds(1), null, ("email", "new@example.com"));
        hubspot.Records.Enqueue(old with { Properties = new(old.Properties) { ["lastmodifieddate"] = DateTimeOffset.UtcNow.AddSeconds(1).ToString("O") } });
        hubspot.AcceptedTokens.Clear(); // the first token is revoked: the listener must renew it
        await PollAsync(TimeSpan.FromSeconds(5));
        await PollAsync(TimeSpan.FromSeconds(5)); // the inclusive cursor finds them again: already seen

        var fired = (await tenant.OutboxAsync()).Select(p => p.Event).ToList();
        var createdEvent = Assert.Single(fired, e => e.TriggerId == created.TriggerId);
        Assert.Equal((fresh.Id, "new@example.com"), (createdEvent.Payload.GetProperty("object_id").GetString(),
            createdEvent.Payload.GetProperty("properties").GetProperty("email").GetString()));
        Assert.Contains(fired, e => e.TriggerId == updated.TriggerId && e.Payload.GetProperty("object_id").GetString() == old.Id);
        Assert.DoesNotContain(fired, e => e.TriggerId == created.TriggerId && e.Payload.GetProperty("object_id").GetString() == old.Id);
        Assert.Equal(4, hubspot.TokensIssued); // one per listener, then one renewal each after the revocation
        Assert.Contains(hubspot.Searches, s => s.GetProperty("filterGroups")[0].GetProperty("filters")[0].GetProperty("propertyName").GetString() == "createdate");
    }

    async Task<long> ListenerRowsAsync(Guid tenantId)
    {
        await using var connection = new NpgsqlConnection(_factory.Database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM listeners WHERE tenant_id = @t", connection);
        command.Parameters.AddWithValue("t", tenantId);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    public Task InitializeAsync() => _factory.InitializeAsync();

    public async Task DisposeAsync() => await _factory.DisposeAsync();
}
